import { runService } from '../shared/service.js';
import { reactionRoutes } from './routes.js';

await runService({
  name: 'reaction',
  usesStorage: true,
  services: (context) => [reactionRoutes(context)],
});
