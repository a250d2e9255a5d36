// Embedding lookup and its deterministic backward (no atomics). forward: out[r, d] = table[tokens[r], d]
// (0 for ids outside [0, V)). backward, all parallel except a one-workgroup scan over V:
//   rank     per chunk of SORT_CHUNK rows: each row's rank among equal ids in its chunk, and counts;
//   offsets  per id: counts in earlier chunks (exclusive prefix over chunks) and the total;
//   scan     ends[v] = end of v's run in the sorted order (inclusive prefix over ids);
//   scatter  order[start(v) + earlier chunks + rank] = row: rows grouped by id, ascending;
//   pieces   per (chunk of SUM_CHUNK sorted positions, d): a run inside one chunk goes straight to
//            dtable, else its head/tail pieces are saved; combine adds them per (v, d) in order.
// A frequent id (a space) thus costs ~SUM_CHUNK + count/SUM_CHUNK serial steps, not count.
struct Params { rows: u32, V: u32, D: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(3) var<storage, read> tokens: array<i32>;
// forward: y, table, tokens
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> table: array<f32>;
// rank: localRank, chunkCounts (chunks, V), tokens; offsets: ends, chunkCounts; scan: ends
@group(0) @binding(1) var<storage, read_write> localRank: array<u32>;
@group(0) @binding(2) var<storage, read_write> chunkCounts: array<u32>;
@group(0) @binding(1) var<storage, read_write> ends: array<u32>;
// scatter: order, runEnds, tokens, chunkBase, rowRank
@group(0) @binding(1) var<storage, read_write> order: array<u32>;
@group(0) @binding(2) var<storage, read> runEnds: array<u32>;
@group(0) @binding(4) var<storage, read> chunkBase: array<u32>;
@group(0) @binding(5) var<storage, read> rowRank: array<u32>;
// pieces: dtable, runEnds, tokens, rowOrder, dy, pieceSums; combine: dtable, runEnds, headTail
@group(0) @binding(1) var<storage, read_write> dtable: array<f32>;
@group(0) @binding(4) var<storage, read> rowOrder: array<u32>;
@group(0) @binding(5) var<storage, read> dy: array<f32>;
@group(0) @binding(6) var<storage, read_write> pieceSums: array<f32>; // (chunks, 2, D): head, tail
@group(0) @binding(3) var<storage, read> headTail: array<f32>; // pieceSums, read by combine

const WG = 256u;
const SORT_CHUNK = 1024u; // rows per rank workgroup (embedding.ts SORT_CHUNK)
const SUM_CHUNK = 32u; // sorted positions per piece chunk (embedding.ts SUM_CHUNK)

fn index(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// The id of row r, or −1 past the end or outside [0, V).
fn tokenAt(r: u32) -> i32 {
  if (r >= p.rows) { return -1; }
  let t = tokens[r];
  return select(-1, t, t >= 0 && u32(t) < p.V);
}

fn runStart(v: u32) -> u32 {
  if (v == 0u) { return 0u; }
  return runEnds[v - 1u];
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= p.rows * p.D) { return; }
  let t = tokenAt(i / p.D);
  var v = 0.0;
  if (t >= 0) { v = table[u32(t) * p.D + i % p.D]; }
  y[i] = v;
}

var<workgroup> tile: array<i32, SORT_CHUNK>;

@compute @workgroup_size(WG)
fn rank(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let counts = wg.x * p.V;
  let r0 = wg.x * SORT_CHUNK;
  for (var v = lid; v < p.V; v += WG) { chunkCounts[counts + v] = 0u; }
  for (var j = lid; j < SORT_CHUNK; j += WG) { tile[j] = tokenAt(r0 + j); }
  storageBarrier();
  workgroupBarrier();
  for (var j = lid; j < SORT_CHUNK; j += WG) {
    let t = tile[j];
    if (t < 0) { continue; }
    var before = 0u;
    var last = true;
    for (var m = 0u; m < SORT_CHUNK; m++) {
      if (tile[m] == t) {
        if (m < j) { before++; } else if (m > j) { last = false; }
      }
    }
    localRank[r0 + j] = before;
    if (last) { chunkCounts[counts + u32(t)] = before + 1u; }
  }
}

@compute @workgroup_size(WG)
fn offsets(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let v = index(gid, nwg);
  if (v >= p.V) { return; }
  let chunks = (p.rows + SORT_CHUNK - 1u) / SORT_CHUNK;
  var total = 0u;
  for (var c = 0u; c < chunks; c++) {
    let n = chunkCounts[c * p.V + v];
    chunkCounts[c * p.V + v] = total;
    total += n;
  }
  ends[v] = total;
}

var<workgroup> partial: array<u32, WG>;

// Inclusive prefix sum of the counts in place; each invocation owns a contiguous segment of ids.
@compute @workgroup_size(WG)
fn scan(@builtin(local_invocation_index) lid: u32) {
  let per = (p.V + WG - 1u) / WG;
  let v0 = min(p.V, lid * per);
  let v1 = min(p.V, v0 + per);
  var total = 0u;
  for (var v = v0; v < v1; v++) { total += ends[v]; }
  partial[lid] = total;
  workgroupBarrier();
  for (var off = 1u; off < WG; off <<= 1u) {
    var add = 0u;
    if (lid >= off) { add = partial[lid - off]; }
    workgroupBarrier();
    partial[lid] += add;
    workgroupBarrier();
  }
  var end = partial[lid] - total;
  for (var v = v0; v < v1; v++) {
    end += ends[v];
    ends[v] = end;
  }
}

@compute @workgroup_size(WG)
fn scatter(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = index(gid, nwg);
  let t = tokenAt(r);
  if (t < 0) { return; }
  let v = u32(t);
  order[runStart(v) + chunkBase[(r / SORT_CHUNK) * p.V + v] + rowRank[r]] = r;
}

fn storeGrad(i: u32, s: f32) {
  if (p.accumulate == 1u) { dtable[i] += s; } else { dtable[i] = s; }
}

// One invocation per (chunk, d): sums every run's piece in the chunk. A piece of a run that began in
// an earlier chunk is the chunk's head; one that goes on past the chunk is its tail.
@compute @workgroup_size(WG)
fn pieces(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  let chunks = (p.rows + SUM_CHUNK - 1u) / SUM_CHUNK;
  if (i >= chunks * p.D) { return; }
  let c = i / p.D;
  let d = i % p.D;
  let k0 = c * SUM_CHUNK;
  let k1 = min(k0 + SUM_CHUNK, runEnds[p.V - 1u]); // runEnds[V − 1] = rows with a valid id
  var k = k0;
  while (k < k1) {
    let v = u32(tokens[rowOrder[k]]);
    let start = runStart(v);
    let end = runEnds[v];
    let stop = min(end, k1);
    var s = 0.0;
    for (; k < stop; k++) { s += dy[rowOrder[k] * p.D + d]; }
    if (start < k0) {
      pieceSums[2u * c * p.D + d] = s;
    } else if (end > k1) {
      pieceSums[(2u * c + 1u) * p.D + d] = s;
    } else {
      storeGrad(v * p.D + d, s);
    }
  }
}

// One invocation per (v, d): ids with no rows, and runs over several chunks (tail of the first chunk,
// then the heads of the next ones).
@compute @workgroup_size(WG)
fn combine(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= p.V * p.D) { return; }
  let v = i / p.D;
  let d = i % p.D;
  let start = runStart(v);
  let end = runEnds[v];
  var s = 0.0;
  if (end > start) {
    let c0 = start / SUM_CHUNK;
    let c1 = (end - 1u) / SUM_CHUNK;
    if (c0 == c1) { return; } // written by pieces
    s = headTail[(2u * c0 + 1u) * p.D + d];
    for (var c = c0 + 1u; c <= c1; c++) { s += headTail[2u * c * p.D + d]; }
  }
  storeGrad(i, s);
}
