/**
 * The benign Chinese prompt and answer every contender carries in the gateway benchmark. They must pass
 * hegui's default policy over the big keyword library (the bench checks each contender's first
 * answer word for word before loading it) and contain none of the Portkey guardrail words.
 */
export const PROMPT = '请简单介绍一下杭州西湖的春天，适合带孩子去哪些地方散步？';

/** The answer, cut into exactly 50 stream deltas; it ends in an ASCII marker the load checks look for. */
export const ANSWER_CHUNKS: readonly string[] = (() => {
  const text =
    '西湖的春天很美。苏堤两岸桃花盛开，柳树抽出新芽，湖面上常有游船慢慢划过。' +
    '带孩子散步可以选择白堤和苏堤，路面平坦，沿途有长椅可以休息。' +
    '花港观鱼公园里有许多锦鲤，孩子们通常很喜欢。太子湾公园的郁金香在三四月开放，' +
    '草坪开阔，适合野餐。建议早上出发，避开人流高峰，记得带上水和防晒用品。祝你们玩得开心！OK-END';
  const chars = [...text];
  const chunks: string[] = [];
  for (let i = 0; i < 50; i++) {
    chunks.push(
      chars.slice(Math.floor((i * chars.length) / 50), Math.floor(((i + 1) * chars.length) / 50)).join(''),
    );
  }
  return chunks;
})();

export const ANSWER = ANSWER_CHUNKS.join('');
export const MODEL = 'bench-model';

export function chatBody(stream: boolean): string {
  return JSON.stringify({
    model: MODEL,
    stream,
    messages: [
      { role: 'system', content: '你是一个乐于助人的中文助手。' },
      { role: 'user', content: PROMPT },
    ],
    user: 'bench-user',
  });
}
