/**
 * What follows each stored batch of an upload stored in the portal's process (createServices). An
 * upload's storing process records the job's certificates the same way but runs the rules on a thread of
 * their own, after each commit (upload-store-deps.ts).
 */
import type { UploadRuleRunner } from '../signals/rules/rule-engine';
import type { StoredEvent } from '../uploads/upload-storing';
import { recordJobCertificates } from '../uploads/upload-job-certificates';
import type { Stores } from './stores';

/**
 * The upload service's `onStored` and `onRefused`: the job's certificate list, then the upload risk rules
 * (which never fail the upload). Another consumer adds its call here.
 */
export function afterStoredBatch(
  stores: Pick<Stores, 'uploadJobs'>,
  uploadRules: Pick<UploadRuleRunner, 'onStored' | 'onRefused'>,
) {
  const recordCertificates = recordJobCertificates(stores.uploadJobs);
  return {
    onStored: async (event: StoredEvent) => {
      await recordCertificates(event);
      await uploadRules.onStored(event);
    },
    onRefused: uploadRules.onRefused,
  };
}
