#!/usr/bin/env bash
# `npm run deploy:local`: bootstrap and deploy the Orchestra stack to LocalStack with cdklocal.
set -euo pipefail
export AWS_ENDPOINT_URL="${AWS_ENDPOINT_URL:-http://localhost:4566}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
export AWS_REGION="${AWS_REGION:-$AWS_DEFAULT_REGION}"
# LocalStack accepts any credentials; these keep the CLI from looking for a real profile.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"

if ! curl -sf "$AWS_ENDPOINT_URL/_localstack/health" >/dev/null; then
  echo "LocalStack is not answering at $AWS_ENDPOINT_URL." >&2
  echo "Start it: docker compose -f localstack/docker-compose.yml up -d (needs Docker and LOCALSTACK_AUTH_TOKEN)." >&2
  exit 1
fi
cdklocal bootstrap "aws://000000000000/$AWS_DEFAULT_REGION"
cdklocal deploy --all --require-approval never "$@"
echo "Deployed. Next: npm run smoke:local"
