export * from './psi';
export * from './reference';
export * from './settings';
