import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { catalogueOpenApiSchemas } from '@switchboard/catalogue';
import { apiSchemas } from './api-schemas';

/** Builds the OpenAPI document: routes from the controllers, payload schemas from the catalogue. */
export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Switchboard')
    .setDescription(
      'Actor-based job queue for LLM agent workloads. Submit typed jobs to role × tier ' +
        'mailboxes and follow them to completion. Errors are RFC 9457 problem+json.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key (sb_...)' }, 'apiKey')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' }, 'admin')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      ...(catalogueOpenApiSchemas() as Record<string, object>),
      ...(apiSchemas() as Record<string, object>),
    },
  };
  return document;
}

export function setupOpenApi(app: INestApplication): void {
  const document = buildOpenApi(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}
