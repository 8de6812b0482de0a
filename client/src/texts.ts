/**
 * Texts of the scanner and of the in-browser signature check. Certificate labels, statuses and API
 * error texts come from server/platform/i18n.ts (the same tables the server pages use); only what the
 * server pages never say lives here. Plain text only: the DOM builder inserts it as text.
 */
import type { Lang } from '../../server/platform/i18n';
import type { ScanVerdict, SignedFieldName } from '../../server/qr/qr-schema';

export type { ScanVerdict };

/**
 * What the page shows: a server verdict, or the browser's own answer when the server cannot be asked
 * (signature checked offline; or nothing could be checked at all).
 */
export type ShownVerdict = ScanVerdict | 'OFFLINE_GENUINE' | 'UNCHECKED';

export interface VerdictText {
  title: string;
  detail: string;
}

export interface ClientTexts {
  cameraStart: string;
  cameraStop: string;
  cameraLabel: string;
  photoLabel: string;
  photoHint: string;
  cameraStarting: string;
  cameraAim: string;
  cameraDenied: string;
  cameraMissing: string;
  cameraUnavailable: string;
  cameraFailed: string;
  photoReading: string;
  photoNoCode: string;
  photoUnreadable: string;
  checking: string;
  scanAgain: string;
  verdict: Record<ShownVerdict, VerdictText>;
  signatureVerified: string;
  signatureVerifiedOffline: (when: string) => string;
  signatureAltered: string;
  signatureUnknownKey: string;
  signatureUnknownKeyOffline: (when: string) => string;
  signatureRemovedKey: string;
  signatureNoKeys: string;
  signatureUnsupported: string;
  signatureHeading: string;
  liveStatusUnavailable: string;
  liveStatusFailed: string;
  foreignHostIs: (host: string) => string;
  scannedText: string;
  openFullResult: string;
  signedDataDiffers: (fields: string) => string;
  signedData: string;
  alteredOnResultPage: string;
  /** A result page opened from a link without the signed part. */
  unsignedOnResultPage: string;
  /** A result page served on an address other than the official one (`origin`). */
  foreignPage: (origin: string) => string;
  foreignPageTitle: string;
  compareCaption: string;
  compareField: string;
  compareCode: string;
  compareRegistry: string;
}

const zh: ClientTexts = {
  cameraStart: '打开相机扫码',
  cameraStop: '停止扫码',
  cameraLabel: '相机画面：请将证书上的二维码放在画面中间',
  photoLabel: '从照片识别二维码',
  photoHint: '选择或拍摄一张包含二维码的照片。',
  cameraStarting: '正在打开相机…',
  cameraAim: '请将二维码对准画面中间，保持稳定。',
  cameraDenied: '相机权限被拒绝。可以改用照片识别，或在下方输入证书编号查询。',
  cameraMissing: '没有找到可用的相机。可以改用照片识别，或在下方输入证书编号查询。',
  cameraUnavailable: '此浏览器无法在本页使用相机。可以改用照片识别，或在下方输入证书编号查询。',
  cameraFailed: '相机无法打开。可以改用照片识别，或在下方输入证书编号查询。',
  photoReading: '正在识别照片中的二维码…',
  photoNoCode: '照片中没有找到二维码。请拍得更近、更清晰，或在下方输入证书编号查询。',
  photoUnreadable: '无法读取这张图片，请换一张照片。',
  checking: '已识别二维码，正在查验…',
  scanAgain: '再扫一个',
  verdict: {
    GENUINE_VALID: { title: '证书真实有效', detail: '二维码签名真实，登记库显示此证书有效。' },
    GENUINE_SUSPENDED: {
      title: '证书真实，但已暂停',
      detail: '二维码签名真实，但此证书已被暂停，暂停期间无效。',
    },
    GENUINE_REVOKED: { title: '证书真实，但已撤销', detail: '二维码签名真实，但此证书已被撤销，不再有效。' },
    GENUINE_WITHDRAWN: {
      title: '证书真实，但已注销',
      detail: '二维码签名真实，但此证书已被注销，不再有效。',
    },
    GENUINE_EXPIRED: {
      title: '证书真实，但已过期',
      detail: '二维码签名真实，但此证书已超过有效期，不再有效。',
    },
    SIGNATURE_INVALID: {
      title: '二维码已被篡改',
      detail: '二维码中的数据与签名不符，证书内容可能被改动过。请勿把此证书当作有效认证。',
    },
    UNKNOWN_KEY: {
      title: '二维码签名无法识别',
      detail: '此二维码不是用本平台公布的密钥签发的，可能是伪造的。请勿把此证书当作有效认证。',
    },
    REMOVED_KEY: {
      title: '签发此二维码的密钥已作废',
      detail:
        '此二维码的签名密钥已被本平台撤下，不再被接受。请勿把此证书当作有效认证；可联系发证的认证机构换发新的二维码。',
    },
    FOREIGN_HOST: {
      title: '警告：此二维码指向其他网站',
      detail:
        '此二维码没有指向本查验平台，可能是仿冒的查验网站。请不要打开它，也不要相信那个网站显示的结果。',
    },
    REGISTRY_MISMATCH: {
      title: '二维码内容与登记库不一致',
      detail: '签名真实，但登记库中的持证组织或认证信息已与二维码中的不同。请以登记库为准，并核对纸质证书。',
    },
    NOT_FOUND: {
      title: '登记库中查无此证书',
      detail: '登记库中没有与此二维码对应的证书。伪造的证书不会出现在登记库中。',
    },
    UNSIGNED_LINK: {
      title: '未签名的查验链接',
      detail:
        '这是本平台查验结果页的普通链接，不含签名：下面是登记库的记录，但无法证明纸质证书上的信息未被改动。',
    },
    NUMBER_LOOKUP: {
      title: '按证书编号查询',
      detail:
        '识别到的是证书编号，不是查验二维码。下面是登记库中使用此编号的证书；请选择与纸质证书上的认证机构一致的一项。',
    },
    NOT_CERTWATCH: {
      title: '这不是证书查验二维码',
      detail: '识别到的内容不是本平台的证书二维码。请扫描证书上的查验二维码，或在下方输入证书编号查询。',
    },
    OFFLINE_GENUINE: {
      title: '二维码签名真实（离线查验）',
      detail: '二维码中的证书信息未被改动。当前无法联网查询证书的最新状态，请联网后再扫一次。',
    },
    UNCHECKED: {
      title: '暂时无法查验',
      detail: '现在既无法联网查询，也无法在本机验证签名。请联网后再扫一次，或在下方输入证书编号查询。',
    },
  },
  signatureHeading: '签名查验',
  signatureVerified: '✓ 签名已在本机验证（可离线验证）',
  signatureVerifiedOffline: (when) => `✓ 签名已离线验证，使用 ${when} 获取的公钥`,
  signatureAltered: '✗ 已被篡改：二维码数据与签名不符',
  signatureUnknownKey: '✗ 签名密钥不在本平台公布的公钥中',
  signatureUnknownKeyOffline: (when) => `签名密钥不在 ${when} 获取的公钥中；请联网后重试`,
  signatureRemovedKey: '✗ 签名密钥已被本平台作废',
  signatureNoKeys: '离线且本机没有保存过公钥，暂时无法验证签名；请联网后重试。',
  signatureUnsupported: '此浏览器不支持在本机验证签名；结果由服务器查验。',
  liveStatusUnavailable: '当前离线，无法查询证书的最新状态。',
  liveStatusFailed: '暂时无法查询证书的最新状态，请稍后再试。',
  foreignHostIs: (host) => `二维码指向的网站：${host}`,
  scannedText: '识别到的内容',
  openFullResult: '查看完整查验结果',
  signedDataDiffers: (fields) => `二维码中的${fields}与登记库不一致。`,
  signedData: '二维码中的证书信息',
  alteredOnResultPage:
    '打开此页的二维码已被篡改：打印的证书信息可能被改动过。下方是登记库中该证书的真实记录，请与纸质证书逐项核对，不一致即为变造证书。',
  unsignedOnResultPage:
    '此链接不含二维码上的签名，无法证明纸质证书上的信息未被改动。下方是登记库的记录：请逐项核对纸质证书上的证书编号、持证组织名称和认证范围。',
  foreignPage: (origin) =>
    `本页面不在官方查验网址上，显示的结果可能是伪造的。请自己输入官方网址 ${origin} 重新查询，不要相信本页内容。`,
  foreignPageTitle: '警告：这不是官方查验网址',
  compareCaption: '二维码中的信息与登记库对照',
  compareField: '项目',
  compareCode: '二维码中',
  compareRegistry: '登记库中',
};

const en: ClientTexts = {
  cameraStart: 'Scan with the camera',
  cameraStop: 'Stop scanning',
  cameraLabel: 'Camera view: hold the QR code of the certificate in the middle',
  photoLabel: 'Read the QR code from a photo',
  photoHint: 'Choose or take a photo that shows the QR code.',
  cameraStarting: 'Starting the camera…',
  cameraAim: 'Hold the QR code steady in the middle of the view.',
  cameraDenied: 'Camera access was denied. Read the code from a photo instead, or type the number below.',
  cameraMissing: 'No camera was found. Read the code from a photo instead, or type the number below.',
  cameraUnavailable:
    'This browser cannot use the camera on this page. Read the code from a photo instead, or type the number below.',
  cameraFailed:
    'The camera could not be started. Read the code from a photo instead, or type the number below.',
  photoReading: 'Looking for a QR code in the photo…',
  photoNoCode: 'No QR code was found in the photo. Take it closer and sharper, or type the number below.',
  photoUnreadable: 'This image cannot be read; try another photo.',
  checking: 'QR code read; checking…',
  scanAgain: 'Scan another',
  verdict: {
    GENUINE_VALID: {
      title: 'Genuine and valid',
      detail: 'The signature of the code is genuine and the registry lists the certificate as valid.',
    },
    GENUINE_SUSPENDED: {
      title: 'Genuine, but suspended',
      detail: 'The code is genuine, but the certificate is suspended and not valid while suspended.',
    },
    GENUINE_REVOKED: {
      title: 'Genuine, but revoked',
      detail: 'The code is genuine, but the certificate was revoked and is no longer valid.',
    },
    GENUINE_WITHDRAWN: {
      title: 'Genuine, but withdrawn',
      detail: 'The code is genuine, but the certificate was withdrawn and is no longer valid.',
    },
    GENUINE_EXPIRED: {
      title: 'Genuine, but expired',
      detail: 'The code is genuine, but the certificate is past its expiry date and no longer valid.',
    },
    SIGNATURE_INVALID: {
      title: 'ALTERED: this QR code was tampered with',
      detail:
        'The data in the code does not match its signature: the certificate may have been altered. Do not accept it as valid.',
    },
    UNKNOWN_KEY: {
      title: 'Signature not recognised',
      detail:
        'This code was not signed with a key this portal publishes; it may be forged. Do not accept it as valid.',
    },
    REMOVED_KEY: {
      title: 'Signed with a withdrawn key',
      detail:
        'The key that signed this code was withdrawn by this portal and is no longer accepted. Do not accept it as valid; ask the certifying body for a new code.',
    },
    FOREIGN_HOST: {
      title: 'Warning: this code points to another website',
      detail:
        'This code does not lead to this verification portal; it may be a copy of it. Do not open it, and do not trust what that site shows.',
    },
    REGISTRY_MISMATCH: {
      title: 'The code differs from the registry',
      detail:
        'The signature is genuine, but the holder or certification in the registry has changed since the code was printed. The registry is authoritative: check the paper certificate.',
    },
    NOT_FOUND: {
      title: 'Not in the registry',
      detail:
        'No certificate in the registry matches this code. Forged certificates are not in the registry.',
    },
    UNSIGNED_LINK: {
      title: 'Unsigned verification link',
      detail:
        "This is a plain link to one of this portal's result pages, without a signature: the registry's record is shown below, but nothing proves the printed data was not changed.",
    },
    NUMBER_LOOKUP: {
      title: 'Certificate number',
      detail:
        'What was read is a certificate number, not a verification code. The registry certificates with this number are listed below; pick the one whose body matches the paper certificate.',
    },
    NOT_CERTWATCH: {
      title: 'Not a certificate verification code',
      detail:
        "What was read is not one of this portal's certificate codes. Scan the verification code on the certificate, or type its number below.",
    },
    OFFLINE_GENUINE: {
      title: 'Genuine signature (checked offline)',
      detail:
        'The certificate data in the code has not been altered. The live status cannot be asked without a network: scan again when online.',
    },
    UNCHECKED: {
      title: 'Cannot check right now',
      detail:
        'The server cannot be reached and the signature cannot be checked on this device. Scan again when online, or type the number below.',
    },
  },
  signatureHeading: 'Signature check',
  signatureVerified: '✓ Signature verified in this browser (offline-capable)',
  signatureVerifiedOffline: (when) => `✓ Signature checked offline with keys from ${when}`,
  signatureAltered: '✗ ALTERED: the data in the code does not match its signature',
  signatureUnknownKey: "✗ The signing key is not one of this portal's published keys",
  signatureUnknownKeyOffline: (when) =>
    `The signing key is not among the keys saved on ${when}; try again online`,
  signatureRemovedKey: '✗ The signing key was withdrawn by this portal',
  signatureNoKeys: 'Offline, and no keys were saved on this device yet: the signature cannot be checked now.',
  signatureUnsupported: 'This browser cannot check signatures itself; the server checked the code.',
  liveStatusUnavailable: 'Offline: the live status of the certificate cannot be asked now.',
  liveStatusFailed: 'The live status cannot be asked right now; try again shortly.',
  foreignHostIs: (host) => `The code points to: ${host}`,
  scannedText: 'Text read from the code',
  openFullResult: 'Open the full result',
  signedDataDiffers: (fields) => `The ${fields} in the code differ from the registry.`,
  signedData: 'Certificate data in the code',
  alteredOnResultPage:
    'The QR code that opened this page was tampered with: the printed certificate may have been altered. Below is the registry record of the genuine certificate; compare it with the paper one line by line — any difference means a forgery.',
  unsignedOnResultPage:
    'This link does not carry the signed part of the QR code, so nothing proves the printed data was not changed. Below is the registry record: compare the certificate number, holder name and scope on the paper, item by item.',
  foreignPage: (origin) =>
    `This page is not on the official verification address, so what it shows may be forged. Type the official address ${origin} yourself and look the certificate up there.`,
  foreignPageTitle: 'Warning: this is not the official verification address',
  compareCaption: 'What the QR code says beside the registry record',
  compareField: 'Item',
  compareCode: 'In the QR code',
  compareRegistry: 'In the registry',
};

export const CLIENT_TEXTS: Record<Lang, ClientTexts> = { zh, en };

/** Names of the signed fields, for the "differs from the registry" message. */
export const FIELD_NAMES: Record<Lang, Record<SignedFieldName, string>> = {
  zh: {
    number: '证书编号',
    holderName: '持证组织名称',
    holderCreditCode: '统一社会信用代码',
    scheme: '认证项目',
    bodyCode: '认证机构',
    issueDate: '颁证日期',
    expiryDate: '有效期',
  },
  en: {
    number: 'certificate number',
    holderName: 'holder name',
    holderCreditCode: 'credit code',
    scheme: 'scheme',
    bodyCode: 'certifying body',
    issueDate: 'issue date',
    expiryDate: 'expiry date',
  },
};
