import { runService } from '../shared/service.js';
import { gamesRoutes } from './routes.js';

await runService({
  name: 'games',
  usesStorage: true,
  services: (context) => [gamesRoutes(context)],
});
