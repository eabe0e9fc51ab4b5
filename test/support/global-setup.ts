// Runs once before the suite: nothing yet beyond a place to prepare shared fixtures (the PGlite template lands here).
export default async function setup(): Promise<void> {}
