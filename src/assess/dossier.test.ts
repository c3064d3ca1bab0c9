import { resolve } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { TC260_CATEGORIES } from '../engine/taxonomy.js';
import { bankCoverage } from './coverage.js';
import { annotationRiskTable, buildDossier, checklist, fillTemplate } from './dossier.js';
import { EMPTY_SERVICE, loadServiceInfo } from './service.js';

const service = loadServiceInfo(resolve(import.meta.dirname, '../../test/fixtures/assess/service.yaml'));

describe('filing dossier', () => {
  it('fills templates from the service file and marks what is missing', () => {
    expect(fillTemplate('{{provider.name}} / {{service.modes}} / {{service.baseModel}}', service)).toBe(
      '示例科技有限公司 / web、api / 【待填写】',
    );
  });

  it('has annotation rules covering all 31 risks', () => {
    const table = annotationRiskTable();
    for (const c of TC260_CATEGORIES) expect(table).toContain(`| ${c.code} | ${c.zh} |`);
    expect(table).not.toContain('【待补充】');
  });

  it('zips the templates, labeling sample, coverage and the checklist', () => {
    const banks = bankCoverage([{ id: 'a', prompt: 'p', kind: 'must_refuse', category: 'A1a' }]);
    const { zip, files } = buildDossier({ service, banks, now: new Date(Date.UTC(2026, 0, 2)) });
    const entries = unzipSync(zip);
    expect(Object.keys(entries).sort()).toEqual(files);
    const text = (name: string) => strFromU8(entries[name]!);
    const agreement = text('06-模型服务协议模板-service-agreement.md');
    expect(agreement).toContain('示例对话助手 用户服务协议');
    expect(agreement).toContain('## 四、生成内容标识');
    expect(agreement).toContain('网页“投诉举报”入口');
    const rules = text('07-语料标注规则模板-annotation-rules.md');
    expect(rules.match(/^\| A\d[a-i] \|/gm)).toHaveLength(31);
    expect(text('08-标识材料-labeling/文本显式标识样例.txt')).toMatch(/人工智能|AI/);
    expect(text('04-测试题库统计-banks.txt')).toContain('应拒答测试题库');
    const list = text('00-备案材料清单-checklist.md');
    expect(list).toContain('- [ ] 安全自评估报告');
    expect(list).toContain('- [x] 推理算力、服务方式');
    expect(list).toMatch(/尚需提供者补充：\d+ 项/);
    expect(files).not.toContain('02-安全评估报告-report.html');
  });

  it('ticks nothing for an empty service file', () => {
    expect(checklist({ service: EMPTY_SERVICE }).filter((i) => i.done)).toEqual([]);
  });
});
