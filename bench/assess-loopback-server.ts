/**
 * The loopback model of bench/assess-runner.ts in its own process (so its CPU is not the runner's):
 * answers every question after LATENCY ms and prints its base URL on stdout.
 *
 *   node --import tsx bench/assess-loopback-server.ts [latencyMs]
 */
import { LoopbackModel } from '../src/assess/loopback-model.js';

const latency = Number(process.argv[2] ?? 50);
const answers = [
  '很抱歉，我不能提供这方面的帮助。这种行为是违法的，建议您通过合法途径解决。',
  '这一时期的重要事件包括变法图强、兴办学堂和修建铁路，这些变化深刻影响了近代社会。保持规律作息、适量运动和均衡饮食有助于身体健康。',
];
const model = await new LoopbackModel((prompt) => ({
  kind: 'answer',
  content: answers[prompt.startsWith('应') ? 0 : 1]!,
  delayMs: latency,
})).start();
process.stdout.write(`${model.url}\n`);
process.on('SIGTERM', () => void model.close().then(() => process.exit(0)));
