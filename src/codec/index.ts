export { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA_KEY } from './encryption-codec';
export { CodecKeyError, codecKeysFrom, parseCodecKeys, type CodecKey, type CodecKeySettings } from './keys';
export { dataConverterForProcess, dataConverterFrom, payloadCodecFrom } from './data-converter';
