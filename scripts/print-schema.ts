/** `npm run schema`: writes schema.graphql from the code (a test fails when it is stale). */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { buildGraphQLSchema, printSchemaFile } from '../src/graphql/schema';
import { projectRoot } from '../src/paths';

buildGraphQLSchema()
  .then((schema) => {
    fs.writeFileSync(path.join(projectRoot(), 'schema.graphql'), printSchemaFile(schema));
    console.log('Wrote schema.graphql');
  })
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
