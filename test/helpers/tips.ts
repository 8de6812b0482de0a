import type { TestApp } from './test-app';
import request from 'supertest';
import type { Tip } from '../../server/tips/tip-schema';

/** Sends a public tip about `publicId` and reads it back whole, as an inspector sees it in the queue. */
export async function submitTip(app: TestApp['app'], publicId: string, inspectorToken: string): Promise<Tip> {
  const sent = await request(app)
    .post('/api/v1/tips')
    .send({ category: 'forged', publicId, description: '展台上的证书编号查询不到。' });
  expect(sent.status).toBe(201);
  const list = await request(app)
    .get('/api/v1/tips?state=new&pageSize=100')
    .set('Authorization', `Bearer ${inspectorToken}`);
  return (list.body.items as Tip[]).find((tip) => tip.reference === sent.body.reference) as Tip;
}
