import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

/** The terminal's size, following resizes; a fixed size when given (tests, a pipe without one). */
export function useTerminalSize(fixed?: { columns: number; rows: number }): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = (): { columns: number; rows: number } => fixed ?? { columns: stdout.columns || 120, rows: stdout.rows || 40 };
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixed) return;
    const onResize = (): void => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed]);
  return size;
}
