import type { UploadJobRepository } from './upload-job-repository';
import type { StoredEvent } from './upload-service';

/** How many of a job's certificates one read of its list fetches. */
const PAGE_SIZE = 1000;

/**
 * The upload service's `onStored` listener that keeps each job's list of the certificates it covers (for
 * the job's QR export): every stored row, `unchanged` ones too, since the job still reports them. Rows
 * that were rejected never reach a stored batch, so they are not on the list.
 */
export function recordJobCertificates(
  jobs: Pick<UploadJobRepository, 'appendCertificates'>,
): (event: StoredEvent) => Promise<void> {
  return (event) =>
    jobs.appendCertificates(
      event.jobId,
      event.results.map((r) => r.certificate.publicId),
    );
}

/** The public ids of every certificate a job covers, in file order, read a page at a time. */
export async function* jobCertificates(
  jobs: Pick<UploadJobRepository, 'listCertificates'>,
  jobId: string,
): AsyncGenerator<string> {
  let after: string | undefined;
  do {
    const page = await jobs.listCertificates(jobId, after, PAGE_SIZE);
    yield* page.publicIds;
    after = page.next;
  } while (after !== undefined);
}
