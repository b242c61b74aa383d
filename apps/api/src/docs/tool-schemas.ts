/** OpenAPI schemas of GET /v1/tools. */
export function toolSchemas(): Record<string, Record<string, unknown>> {
  return {
    Tool: {
      type: 'object',
      required: [
        'name',
        'description',
        'inputSchema',
        'origin',
        'privacyCompatible',
        'sideEffects',
      ],
      properties: {
        name: { type: 'string', description: 'MCP tools are <server>__<tool>' },
        description: { type: 'string' },
        inputSchema: { type: 'object', description: "JSON Schema of the tool's arguments" },
        origin: { type: 'string', description: "'local' or the MCP server's name" },
        privacyCompatible: {
          type: 'boolean',
          description: 'nothing leaves the machine: private and tier-0 jobs may use it',
        },
        sideEffects: {
          type: 'boolean',
          description: 'changes something outside the job: run at most once per job',
        },
      },
    },
    ToolList: {
      type: 'object',
      properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Tool' } } },
    },
  };
}
