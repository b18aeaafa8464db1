// What one run of the bench measured: written to bench/results.json, read by the report
// (bench/report.ts, bench/chart.ts). A figure another item has not added yet is absent
// (optional here) and the report shows it as "not measured".
import type { DataResult } from './data-workloads';
import type { KernelDisplayResult, KernelPrintResult } from './kernel-io';
import type { KernelLatency } from './kernel-latency';
import type { KernelWeight } from './kernel-weight';
import type { Machine } from './machine';
import type { CallbackResult, CompileResult, EvalResult, MapResult, PrintResult, ValueCallResult } from './micro';
import type { WorkloadResult } from './workloads';

/** bench/memory.ts's JSON line. */
export interface MemoryResult {
  arrays: number;
  elementsPerArray: number;
  ms: number;
  baselineMB: number;
  peakMB: number;
  gcHeapMB: number;
  collections: number;
  allocatedMB: number;
}

export interface BenchResults {
  machine: Machine;
  totalSeconds: number;
  /** The CPU the workloads ran on (absent in runs before it was pinned). */
  workloadCpu?: number;
  loadAvgAtEnd: number[];
  /** Best of `runs` for each workload and language. */
  runs: number;
  workloads: WorkloadResult[];
  dataWorkloads: DataResult[];
  compile: CompileResult[];
  callbacks: CallbackResult[];
  printInProcess: PrintResult;
  kernelPrint: KernelPrintResult[];
  eval: EvalResult;
  maps: MapResult;
  valueCalls: ValueCallResult;
  memory: MemoryResult;
  latency: KernelLatency[];
  /** Issue 16 item 3 (bench/kernel-weight.ts): RSS of Kiln and ipykernel, and where Kiln's goes. */
  kernelWeight?: KernelWeight;
  /** Issue 16 item 4 (bench/kernel-io.ts): display_data messages/s reaching the client, Kiln and ipykernel. */
  kernelDisplay?: KernelDisplayResult[];
  /** Issue 16 item 5 (bench/micro.ts): compile time of a cell defining 50 functions, at %opt 0 and 2. */
  compileManyFunctions?: CompileResult[];
}
