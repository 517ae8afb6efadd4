import { runService } from '../shared/service.js';
import { sessionRoutes } from './routes.js';

await runService({
  name: 'session',
  usesStorage: true,
  services: (context) => [sessionRoutes(context)],
});
