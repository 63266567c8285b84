/**
 * The one module for human units. Every parser has the shape `(value: unknown, field: string) => T` and
 * throws a ValidationError naming the field and the accepted forms.
 */
export * from './quantities';
export * from './durations';
export * from './network';
