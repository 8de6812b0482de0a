/**
 * The machine-readable catalogue of the open datasets: DCAT (W3C Data Catalog Vocabulary, v3) in JSON-LD,
 * at a stable URL (/open-data/catalog.jsonld). Each distribution carries its download URL, media type,
 * size, SHA-256 (SPDX checksum, as DCAT-AP does) and licence; the catalogue its generation time.
 */
import { OPEN_DATA_TEXTS } from './opendata-texts';
import { OPEN_DATA_LICENCE, type Manifest } from './opendata-schema';

const both = (zh: string, en: string) => [
  { '@value': zh, '@language': 'zh' },
  { '@value': en, '@language': 'en' },
];

export const CATALOG_PATH = '/open-data/catalog.jsonld';

export function dcatCatalog(manifest: Manifest | undefined, baseUrl: string): Record<string, unknown> {
  const base = baseUrl.replace(/\/+$/, '');
  const { zh, en } = OPEN_DATA_TEXTS;
  const licence = { '@id': OPEN_DATA_LICENCE.url };
  const modified = manifest && { '@value': manifest.generatedAt, '@type': 'xsd:dateTime' };
  return {
    '@context': {
      dcat: 'http://www.w3.org/ns/dcat#',
      dct: 'http://purl.org/dc/terms/',
      foaf: 'http://xmlns.com/foaf/0.1/',
      spdx: 'http://spdx.org/rdf/terms#',
      xsd: 'http://www.w3.org/2001/XMLSchema#',
    },
    '@id': `${base}${CATALOG_PATH}`,
    '@type': 'dcat:Catalog',
    'dct:title': both(`CertWatch ${zh.title}`, `CertWatch ${en.title}`),
    'dct:description': both(zh.lead, en.lead),
    'dct:publisher': { '@type': 'foaf:Agent', 'foaf:homepage': { '@id': `${base}/` } },
    'dct:license': licence,
    'foaf:homepage': { '@id': `${base}/open-data` },
    ...(modified ? { 'dct:modified': modified } : {}),
    'dcat:dataset': (manifest?.datasets ?? []).map((d) => ({
      '@id': `${base}/open-data#${d.name}`,
      '@type': 'dcat:Dataset',
      'dct:identifier': d.name,
      'dct:title': both(zh.datasetTitle[d.name], en.datasetTitle[d.name]),
      'dct:description': both(zh.datasetDescription[d.name], en.datasetDescription[d.name]),
      'dct:modified': modified,
      'dct:accrualPeriodicity': { '@id': 'http://purl.org/cld/freq/daily' },
      'dct:license': licence,
      'dcat:distribution': d.files.map((f) => ({
        '@type': 'dcat:Distribution',
        'dct:title': `${d.name}.${f.format}`,
        'dcat:downloadURL': { '@id': `${base}/open-data/${f.file}` },
        'dcat:mediaType': {
          '@id': `https://www.iana.org/assignments/media-types/${f.mediaType.split(';')[0]}`,
        },
        'dcat:byteSize': { '@value': String(f.bytes), '@type': 'xsd:nonNegativeInteger' },
        'dct:license': licence,
        'dct:issued': modified,
        'spdx:checksum': {
          '@type': 'spdx:Checksum',
          'spdx:algorithm': { '@id': 'spdx:checksumAlgorithm_sha256' },
          'spdx:checksumValue': f.sha256,
        },
      })),
    })),
  };
}
