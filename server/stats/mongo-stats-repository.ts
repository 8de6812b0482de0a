import type { Connection, Model, PipelineStage } from 'mongoose';
import { caseModel } from '../cases/mongo-case-repository';
import { certificateModel } from '../certificates/mongo-certificate-repository';
import { dishonestyModels } from '../dishonesty/mongo-dishonesty-repository';
import { tipModels } from '../tips/mongo-tip-repository';
import type { CertificateTally, MonthTally, RecordTally, StatsRepository } from './stats-repository';

/** The China-time month (YYYY-MM) of an ISO timestamp field. */
const chinaMonthOf = (field: string) => ({
  $dateToString: { format: '%Y-%m', date: { $dateFromString: { dateString: field } }, timezone: '+08:00' },
});

/**
 * The statistics' counts in MongoDB: aggregation pipelines over the other features' collections (the
 * same database), each matched on an indexed field and grouped to a few hundred documents.
 */
export function createMongoStatsRepository(conn: Connection): StatsRepository {
  const Certificates = certificateModel(conn);
  const { Tips } = tipModels(conn);
  const Cases = caseModel(conn);
  const { Records } = dishonestyModels(conn);

  async function byMonth(model: Model<never>, field: string, since: string): Promise<MonthTally[]> {
    const rows = await model.aggregate<{ _id: { month: string; state: string }; count: number }>([
      { $match: { [field]: { $gte: since } } },
      { $group: { _id: { month: chinaMonthOf(`$${field}`), state: '$state' }, count: { $sum: 1 } } },
    ]);
    return rows.map((r) => ({ month: r._id.month, state: r._id.state, count: r.count }));
  }

  return {
    async certificateTallies(expiredBefore) {
      // Only indexed fields are read (the statistics index of the certificate schema): a covered scan.
      const pipeline: PipelineStage[] = [
        ...(expiredBefore === undefined ? [] : [{ $match: { expiryDate: { $lt: expiredBefore } } }]),
        { $project: { _id: 0, scheme: 1, status: 1, issueDate: 1 } },
        {
          $group: {
            _id: { scheme: '$scheme', status: '$status', issueMonth: { $substrBytes: ['$issueDate', 0, 7] } },
            count: { $sum: 1 },
          },
        },
      ];
      const rows = await Certificates.aggregate<{
        _id: { scheme: string; status: string; issueMonth: string };
        count: number;
      }>(pipeline).hint({ scheme: 1, status: 1, issueDate: 1, expiryDate: 1 });
      return rows.map((r): CertificateTally => ({ ...r._id, count: r.count }));
    },
    async tipsByMonth(since) {
      return byMonth(Tips as unknown as Model<never>, 'receivedAt', since);
    },
    async casesByMonth(since) {
      return byMonth(Cases as unknown as Model<never>, 'createdAt', since);
    },
    async recordsByMonth(sinceDay) {
      const rows = await Records.aggregate<{
        _id: { month: string; kind: string; state: string };
        count: number;
      }>([
        { $match: { startDate: { $gte: sinceDay ?? '' } } },
        {
          $group: {
            _id: { month: { $substrBytes: ['$startDate', 0, 7] }, kind: '$subject.kind', state: '$state' },
            count: { $sum: 1 },
          },
        },
      ]);
      return rows.map((r): RecordTally => ({ ...r._id, count: r.count }));
    },
  };
}
