/**
 * Words that name a group COLD's topics are about (race / nationality, region, gender). A safe COLD
 * text containing one of them "mentions a group without attacking it" — the anti-bias and neutral
 * texts on which keyword systems produce false positives. Hand-written for the eval, not exhaustive.
 */
export const GROUP_TERMS: readonly string[] = [
  // race, ethnicity, nationality
  '黑人',
  '白人',
  '黄种人',
  '非洲人',
  '美国人',
  '日本人',
  '韩国人',
  '印度人',
  '犹太人',
  '穆斯林',
  '少数民族',
  '汉族',
  '维吾尔',
  '藏族',
  '回族',
  '外国人',
  '老外',
  '种族',
  // region
  '河南人',
  '东北人',
  '上海人',
  '北京人',
  '广东人',
  '四川人',
  '湖南人',
  '山东人',
  '新疆人',
  '农村人',
  '外地人',
  '南方人',
  '北方人',
  '地域',
  // gender
  '女性',
  '男性',
  '女人',
  '男人',
  '女生',
  '男生',
  '女孩',
  '男孩',
  '妇女',
  '女权',
  '男权',
  '性别',
];
