/** asl-validator ships no type declarations; this is the part we use. */
declare module 'asl-validator' {
  interface AslValidationResult {
    isValid: boolean;
    errors: Array<{ message?: string; instancePath?: string; 'Error code'?: string; Message?: string; path?: string }>;
  }
  function aslValidator(definition: object, options?: { checkPaths?: boolean; checkArn?: boolean }): AslValidationResult;
  export = aslValidator;
}
