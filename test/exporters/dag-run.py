"""Runs an exported DAG file as Airflow would load it, without Airflow (it cannot be installed here):
Python's own compiler, then the module executed against stand-ins for the operators it imports; then
every templated field of every task rendered with Jinja2 as Airflow renders it (sandboxed, strict
undefined; strings inside lists and dict values too). Prints, as JSON: the module docstring, the DAG's
arguments, each task's rendered fields, and any Airflow Variable a template read (none should).

The templated fields per operator are those of Airflow 3's providers: amazon (lambda_function.py, ecs.py)
and standard (python.py, trigger_dagrun.py)."""
import json
import sys
import types

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

TEMPLATED = {
    "LambdaInvokeFunctionOperator": ("function_name", "payload", "qualifier", "invocation_type"),
    "EcsRunTaskOperator": (
        "task_definition", "cluster", "overrides", "launch_type", "capacity_provider_strategy", "volume_configurations",
        "group", "placement_constraints", "placement_strategy", "platform_version", "network_configuration", "tags",
        "awslogs_group", "awslogs_region", "awslogs_stream_prefix", "awslogs_fetch_interval", "propagate_tags",
        "reattach", "number_logs_exception", "wait_for_completion", "deferrable",
    ),
    "PythonOperator": ("templates_dict", "op_args", "op_kwargs"),
    "TriggerDagRunOperator": ("trigger_dag_id", "trigger_run_id", "logical_date", "conf", "wait_for_completion", "skip_when_already_exists"),
}
tasks = []
dags = []


class Operator:
    def __init__(self, **kwargs):
        self.kwargs = kwargs
        tasks.append(self)

    def __rshift__(self, other):
        if not isinstance(other, Operator):
            raise TypeError(f"{type(other).__name__} is no task: a name of the DAG file was shadowed")
        return other


class Dag:
    def __init__(self, **kwargs):
        dags.append(kwargs)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class CronTriggerTimetable:
    def __init__(self, cron, *, timezone):
        self.cron, self.timezone = cron, timezone

    def __repr__(self):
        return f"CronTriggerTimetable({self.cron!r}, timezone={self.timezone!r})"


def stand_in(module, **names):
    stub = types.ModuleType(module)
    stub.__dict__.update(names)
    sys.modules[module] = stub


for name in TEMPLATED:
    globals()[name] = type(name, (Operator,), {})
for package in ["airflow", "airflow.providers", "airflow.providers.amazon", "airflow.providers.amazon.aws", "airflow.providers.amazon.aws.operators",
                "airflow.providers.standard", "airflow.providers.standard.operators", "airflow.timetables"]:
    stand_in(package)
stand_in("airflow.sdk", DAG=Dag)
stand_in("airflow.timetables.trigger", CronTriggerTimetable=CronTriggerTimetable)
stand_in("airflow.providers.amazon.aws.operators.lambda_function", LambdaInvokeFunctionOperator=LambdaInvokeFunctionOperator)
stand_in("airflow.providers.amazon.aws.operators.ecs", EcsRunTaskOperator=EcsRunTaskOperator)
stand_in("airflow.providers.standard.operators.python", PythonOperator=PythonOperator)
stand_in("airflow.providers.standard.operators.trigger_dagrun", TriggerDagRunOperator=TriggerDagRunOperator)

path = sys.argv[1]
with open(path, "rb") as file:
    source = file.read()
module = {"__name__": "dag_file"}
exec(compile(source, path, "exec"), module)

variables_read = []


class Variables:
    def __getattr__(self, name):
        variables_read.append(name)
        return f"<variable {name}>"


class XComDict(dict):
    """What a Lambda task pushes (JSON text) and what the others push (a value) both render as JSON here."""

    def __str__(self):
        return json.dumps(self)


context = {
    "run_id": "manual__2026-12-07",
    "dag_run": types.SimpleNamespace(conf={"prefix": "ingest/x/"}),
    "ti": types.SimpleNamespace(xcom_pull=lambda task_ids: XComDict({"from": task_ids})),
    "var": types.SimpleNamespace(value=Variables(), json=Variables()),
}
environment = SandboxedEnvironment(undefined=StrictUndefined, cache_size=0)


def render(value):
    if isinstance(value, str):
        return environment.from_string(value).render(context)
    if isinstance(value, (list, tuple)):
        return [render(item) for item in value]
    if isinstance(value, dict):
        return {key: render(item) for key, item in value.items()}
    return value


rendered = []
for task in tasks:
    operator = type(task).__name__
    callable_ = task.kwargs.get("python_callable")
    if callable_ is not None and not isinstance(callable_, types.FunctionType):
        raise TypeError(f"{task.kwargs['task_id']}: python_callable is a {type(callable_).__name__}, not a function")
    fields = {name: render(task.kwargs[name]) for name in TEMPLATED[operator] if name in task.kwargs}
    rendered.append({"operator": operator, "task_id": task.kwargs["task_id"], "fields": fields})
print(json.dumps({
    "doc": module.get("__doc__"),
    "dag": {key: repr(value) for key, value in dags[0].items()},
    "tasks": rendered,
    "variablesRead": variables_read,
}))
