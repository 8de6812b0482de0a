/**
 * What follows each stored batch of an upload, wired the same in the portal (createServices) and in an
 * upload's storing process (upload-store-deps.ts).
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
