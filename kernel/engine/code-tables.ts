// What compiled code refers to, and when that code can go. Function ids and location ids
// are baked into the code (kiln_fstack / kiln_lstack record them for tracebacks); each
// cell's module stays in the JIT while a frame could still run it. A long session (or a
// loop of eval calls) must not keep all of them: code that no frame can run is removed
// from the JIT at the end of the top-level cell, and its ids are reused.
//
// A module can run again only through its entry (until it has run) and through the
// slots that hold its functions' bodies. A same-signature redefinition overwrites a slot:
// the old body is then reachable only from frames already running it, and there are none
// once the top-level cell has finished. A different-signature redefinition keeps the old
// slot (earlier callers use it), so that module stays.

/** A place in Kiln code: function name, defining cell, line. */
export interface Place {
  name: string;
  cell: number;
  line: number;
}

/** One added module (a cell or an eval), as the tables track it. */
export interface CodeModule {
  tracker: number;
  /** Function ids of its entry and functions. */
  fids: number[];
  /** Function bodies of the module whose slot still holds them. */
  liveBodies: number;
  entryDone: boolean;
}

export class CodeTables {
  private readonly frames: ({ name: string; cell: number } | undefined)[] = [];
  private readonly locations: ({ fid: number; line: number } | undefined)[] = [];
  private readonly locationIds = new Map<string, number>();
  /** Location ids by function id, to free them with the function. */
  private readonly frameLocations: number[][] = [];
  private readonly freeFids: number[] = [];
  private readonly freeLocations: number[] = [];
  /** The self-call location of each function whose self-calls record none (lower.ts
   *  settleSelfCalls), by function id. */
  private readonly selfCallSites = new Map<number, number>();
  /** The module of each function body (by address) that a slot holds. */
  private readonly bodyModule = new Map<number, CodeModule>();
  private dead: CodeModule[] = [];
  private modules = 0;

  registerFrame(name: string, cell: number): number {
    const fid = this.freeFids.pop() ?? this.frames.length;
    this.frames[fid] = { name, cell };
    this.frameLocations[fid] = [];
    return fid;
  }

  location(fid: number, line: number): number {
    const key = `${fid}:${line}`;
    let id = this.locationIds.get(key);
    if (id === undefined) {
      id = this.freeLocations.pop() ?? this.locations.length;
      this.locations[id] = { fid, line };
      this.locationIds.set(key, id);
      this.frameLocations[fid].push(id);
    }
    return id;
  }

  /** A function (by id) whose self-calls record no location calls itself at `location`. */
  setSelfCallSite(fid: number, location: number): void {
    this.selfCallSites.set(fid, location);
  }

  hasSelfCallSite(fid: number): boolean {
    return this.selfCallSites.has(fid);
  }

  /**
   * The Kiln call stack from what the addon read at an error, outermost first: each frame's
   * mark in kiln_fstack and location in kiln_lstack. A frame whose callee is a function
   * whose self-calls record no location, entered unmarked (by a self-call), is that function
   * at its self-call site; its stored location is stale.
   */
  callStack(frames: [mark: number, location: number][]): number[] {
    const locations = frames.map(([, location]) => location);
    for (let i = locations.length - 2; i >= 0; i--) {
      const callee = this.locations[locations[i + 1]]?.fid;
      const site = callee === undefined ? undefined : this.selfCallSites.get(callee);
      if (site !== undefined && frames[i + 1][0] === 0) locations[i] = site;
    }
    return locations;
  }

  place(location: number): Place | undefined {
    const at = this.locations[location];
    const frame = at && this.frames[at.fid];
    return frame && { ...frame, line: at.line };
  }

  /** Frees function ids (and their locations) that no code uses any more. */
  releaseFrames(fids: number[]): void {
    for (const fid of fids) {
      for (const id of this.frameLocations[fid] ?? []) {
        this.locationIds.delete(`${fid}:${this.locations[id]!.line}`);
        this.locations[id] = undefined;
        this.freeLocations.push(id);
      }
      this.frames[fid] = undefined;
      this.frameLocations[fid] = [];
      this.selfCallSites.delete(fid);
      this.freeFids.push(fid);
    }
  }

  /** A module just added, with the addresses of its function bodies (now in their slots).
   *  A pinned module is never removed (values may point into it: closures' code, KilnFns). */
  addModule(tracker: number, fids: number[], bodies: number[], pinned = false): CodeModule {
    const module: CodeModule = { tracker, fids, liveBodies: bodies.length + (pinned ? 1 : 0), entryDone: false };
    this.modules++;
    for (const body of bodies) this.bodyModule.set(body, module);
    return module;
  }

  /** A slot that held the body at `address` now holds another. */
  superseded(address: number): void {
    const module = this.bodyModule.get(address);
    if (!module) return;
    this.bodyModule.delete(address);
    module.liveBodies--;
    this.checkDead(module);
  }

  /** The module's entry has run (it never runs again). */
  entryDone(module: CodeModule): void {
    if (module.entryDone) return;
    module.entryDone = true;
    this.checkDead(module);
  }

  private checkDead(module: CodeModule): void {
    if (module.entryDone && module.liveBodies === 0) this.dead.push(module);
  }

  /** Modules no frame can run once no Kiln code is running; the caller removes them. */
  takeDead(): CodeModule[] {
    const dead = this.dead;
    this.dead = [];
    this.modules -= dead.length;
    return dead;
  }

  /** Counts, for tests and the soak figures. */
  sizes(): { frames: number; locations: number; modules: number } {
    return {
      frames: this.frames.length - this.freeFids.length,
      locations: this.locations.length - this.freeLocations.length,
      modules: this.modules,
    };
  }

  /** Everything goes (%reset: a fresh JIT). */
  clear(): void {
    this.frames.length = 0;
    this.selfCallSites.clear();
    this.locations.length = 0;
    this.locationIds.clear();
    this.frameLocations.length = 0;
    this.freeFids.length = 0;
    this.freeLocations.length = 0;
    this.bodyModule.clear();
    this.dead = [];
    this.modules = 0;
  }
}
