export * from './amount';
export * from './clock';
export * from './features';
export * from './windows';
