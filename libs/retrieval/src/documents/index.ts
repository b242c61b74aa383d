// Documents: type detection, parsing to text and chunking.
export {};
