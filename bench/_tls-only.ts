import pg from "pg";
import { startTestCluster } from "../tests/support/cluster";
import { migrate } from "../tests/support/migrate";
import { tlsBench } from "./tls";
const cluster = await startTestCluster({ replicas: 1 });
try {
  await migrate(cluster.primaryUrl);
  const c = new pg.Client({ connectionString: cluster.primaryUrl }); await c.connect();
  const { rows } = await c.query<{ id: number }>("INSERT INTO users (name, email) SELECT 'S' || g, 's' || g || '@b.example' FROM generate_series(1, 1000) g RETURNING id");
  await c.end();
  await tlsBench(cluster, rows.map((r) => r.id), Number(process.env.BENCH_REQUESTS ?? 2000));
} finally { await cluster.stop(); }
