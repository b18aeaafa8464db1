// The file built-ins (LANGUAGE.md 0.2 "Files"): each is a call of a runtime function in
// native/src/files.cc (read_csv: csv.cc). Paths are relative to the kernel's working
// directory; a failing system call is an IOError naming the path.
import { arrayOf, BOOL, STR, VOID } from '../ast';
import { Builtin, runtimeCall } from './declare';

const STRS = arrayOf(STR);

export const FILE_BUILTINS: Builtin[] = [
  runtimeCall('read_file', [['path', STR]], STR, 'kiln_read_file',
    'The whole file as a str (IOError if it cannot be read, ValueError with the byte offset if it is not UTF-8).'),
  runtimeCall('read_lines', [['path', STR]], STRS, 'kiln_read_lines', 'The lines of the file, without "\\n" or "\\r\\n".'),
  runtimeCall('write_file', [['path', STR], ['s', STR]], VOID, 'kiln_write_file', 'Creates or replaces the file with the text s.'),
  runtimeCall('append_file', [['path', STR], ['s', STR]], VOID, 'kiln_append_file', 'Appends the text s to the file (creating it if needed).'),
  runtimeCall('exists', [['path', STR]], BOOL, 'kiln_file_exists', 'True if a file or directory exists at path.'),
  runtimeCall('list_dir', [['path', STR]], STRS, 'kiln_list_dir', 'The names in a directory, sorted byte-wise, without "." and "..".'),
  runtimeCall('read_csv', [['path', STR]], arrayOf(STRS), 'kiln_read_csv',
    'The records of a CSV file (RFC 4180), header included, one [str] per record.'),
];
