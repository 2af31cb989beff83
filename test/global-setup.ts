// Placeholder: replaced by the Temporal + PostgreSQL setup.
export default async function setup(): Promise<void> {}
