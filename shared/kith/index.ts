// Readers for the KITH e-resept XML messages and the legacy prescribing module's export.
export { KithFormatError } from './errors';
export { parseXml, decodeXmlBytes, child, children, at, all, descendants, textOf, textAt, attrAt, type XmlElement } from './xml';
export { readMsgHead, MSGHEAD_NS, APPREC_NS, PASIENT_EXPORT_NS, type MsgHeadInfo, type MsgParty, type MsgAttachment } from './msgHead';
export { readReseptDok, type ReseptDokContent } from './resept';
export {
  readKithMessage,
  type KithMessage,
  type PrescriptionWithoutStatus,
  type M1Message,
  type M5Message,
  type M52Message,
  type M7Message,
  type M96Message,
  type M96Entry,
  type M98Message,
  type M251Message,
  type M912Message,
  type M271Message,
  type M272Message,
  type RequestMessage,
  type AppRecMessage,
  type OtherMessage,
  type Recall,
  type PllRead,
} from './messages';
export { readKithFolder, type KithFile, type KithFolderRead, type KithMessageRef } from './folder';
export { readPasientExport, rfStatusFromText, type PasientExportRead, type PasientExportMessage } from './pasientExport';
