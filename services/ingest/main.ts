import { runService } from '../shared/service.js';
import { ingestRoutes } from './routes.js';

await runService({
  name: 'ingest',
  usesStorage: false,
  services: (context) => [ingestRoutes(context)],
});
