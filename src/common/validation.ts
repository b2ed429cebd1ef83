import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { AppError, type FieldError } from './errors.js';

function flatten(errors: ValidationError[], prefix: string, out: FieldError[]) {
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) out.push({ path, message });
    if (e.children?.length) flatten(e.children, path, out);
  }
  return out;
}

/**
 * class-validator on every input and args class; every bad field is named in `extensions.fields` by its path in the
 * operation's arguments (`input.principal` for an `input` argument, `first` for a flat argument).
 */
export class RegistryValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      // Properties without a class-validator decorator are dropped: every input field needs one.
      whitelist: true,
      forbidUnknownValues: false,
      exceptionFactory: (errors: ValidationError[]) => AppError.badInput(flatten(errors, '', [])),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
    } catch (err) {
      if (err instanceof AppError && err.fields && metadata.data && typeof metadata.data === 'string') {
        const fields = err.fields.map((f) => ({ path: `${metadata.data}.${f.path}`, message: f.message }));
        throw AppError.badInput(fields);
      }
      throw err;
    }
  }
}
