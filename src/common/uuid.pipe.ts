import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { AppError } from './errors.js';

/** For `ID` arguments: anything but a UUID is the caller's mistake, named by the argument. */
@Injectable()
export class UuidPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || !isUUID(value)) throw AppError.field(metadata.data ?? 'id', 'must be a UUID');
    return value.toLowerCase();
  }
}

/** For UUID fields of input types: `@Transform(lowerUuid)`, so an upper-case id finds the same row as the API's own. */
export const lowerUuid = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
