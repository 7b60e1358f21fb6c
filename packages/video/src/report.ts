/**
 * Step 9, `report.html`: one self-contained page (no script, no network: a strict CSP) with a
 * player per clip, its score and the reasons for it, and a timeline of the whole video — loudness,
 * scene cuts, the clips — above the transcript with each clip's sentences highlighted.
 */
import type { ClipRecord, ClipsManifest } from './types.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** `83.4` → `1:23`; `3725` → `1:02:05`. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** A relative file name as an href: each path segment percent-encoded. */
function href(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

const HUES = [12, 200, 140, 280, 45, 330, 90, 240, 170, 0];

function hue(rank: number): number {
  return HUES[(rank - 1) % HUES.length] ?? 200;
}

function loudnessPath(loudness: readonly number[], width: number, height: number): string {
  if (loudness.length === 0) return '';
  const step = width / loudness.length;
  const points = loudness.map((lufs, i) => {
    const level = Math.max(0, Math.min(1, (lufs + 60) / 50));
    return `${(i * step).toFixed(1)},${(height - level * height).toFixed(1)}`;
  });
  return `M0,${height} L${points.join(' L')} L${width},${height} Z`;
}

function timeline(manifest: ClipsManifest): string {
  const duration = Math.max(0.001, manifest.source.duration);
  const width = 1000;
  const height = 60;
  const pct = (t: number) => ((t / duration) * 100).toFixed(3);
  const cuts = manifest.analysis.sceneCuts
    .map((cut) => `<line x1="${((cut / duration) * width).toFixed(1)}" x2="${((cut / duration) * width).toFixed(1)}" y1="0" y2="${height}" class="cut"/>`)
    .join('');
  const scanned = manifest.analysis.scanned
    .map(
      (s) =>
        `<rect x="${((s.start / duration) * width).toFixed(1)}" width="${(((s.end - s.start) / duration) * width).toFixed(1)}" y="${height - 4}" height="4" class="scanned"/>`,
    )
    .join('');
  const clips = manifest.clips
    .map(
      (clip) =>
        `<a class="seg" href="#clip-${clip.rank}" style="left:${pct(clip.start)}%;width:${pct(clip.end - clip.start)}%;--h:${hue(clip.rank)}" title="Clip ${clip.rank}: ${clock(clip.start)}–${clock(clip.end)}, score ${clip.score}">${clip.rank}</a>`,
    )
    .join('');
  const ticks: string[] = [];
  const every = duration > 3600 ? 600 : duration > 900 ? 300 : duration > 240 ? 60 : duration > 60 ? 15 : 5;
  for (let t = 0; t <= duration; t += every) ticks.push(`<span style="left:${pct(t)}%">${clock(t)}</span>`);
  return `<div class="timeline" aria-label="Timeline of the whole video">
<svg viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" role="img" aria-label="Loudness and scene cuts"><path d="${loudnessPath(manifest.analysis.loudness, width, height)}" class="loud"/>${cuts}${scanned}</svg>
<div class="segs">${clips}</div><div class="ticks">${ticks.join('')}</div></div>
<p class="legend"><span class="k loud"></span> loudness <span class="k cut"></span> scene cut <span class="k scanned"></span> decoded for pictures</p>`;
}

function reasons(clip: ClipRecord): string {
  const rows = [...clip.reasons]
    .sort((a, b) => b.value * b.weight - a.value * a.weight)
    .map(
      (r) =>
        `<tr><th scope="row">${escapeHtml(r.factor)}</th><td><meter min="0" max="1" value="${r.value.toFixed(3)}">${Math.round(r.value * 100)}%</meter></td><td class="num">×${r.weight.toFixed(2)}</td><td>${escapeHtml(r.detail)}</td></tr>`,
    )
    .join('');
  return `<table class="reasons"><thead><tr><th>Factor</th><th>Value</th><th>Weight</th><th>Why</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function card(clip: ClipRecord, language: string): string {
  const llm = clip.llmScore === undefined ? '' : `<p class="llm">Language-model score (not part of the score): <b>${Math.round(clip.llmScore)}</b></p>`;
  const removed = clip.removed.length
    ? ` · ${clip.removed.length} pause${clip.removed.length === 1 ? '' : 's'}/filler${clip.removed.length === 1 ? '' : 's'} removed`
    : '';
  return `<section class="clip" id="clip-${clip.rank}" style="--h:${hue(clip.rank)}">
<div class="player"><video controls preload="metadata" playsinline poster="${escapeHtml(href(clip.thumbnail))}" width="${clip.width}" height="${clip.height}"><source src="${escapeHtml(href(clip.file))}" type="video/mp4"><track kind="captions" src="${escapeHtml(href(clip.vtt))}" srclang="${escapeHtml(language)}" label="Captions"></video></div>
<div class="about"><h2><span class="rank">#${clip.rank}</span> <span class="score" title="Score out of 100">${Math.round(clip.score)}</span></h2>
<p class="when">${clock(clip.start)}–${clock(clip.end)} of the source · ${clip.duration.toFixed(1)} s · ${clip.width}×${clip.height} · ${escapeHtml(clip.layout)}${removed}</p>
${llm}${reasons(clip)}
<blockquote>${escapeHtml(clip.text)}</blockquote>
<p class="files"><a href="${escapeHtml(href(clip.file))}">${escapeHtml(clip.file)}</a> · <a href="${escapeHtml(href(clip.srt))}">${escapeHtml(clip.srt)}</a> · <a href="${escapeHtml(href(clip.vtt))}">${escapeHtml(clip.vtt)}</a> · <a href="${escapeHtml(href(clip.thumbnail))}">${escapeHtml(clip.thumbnail)}</a></p></div>
</section>`;
}

function transcript(manifest: ClipsManifest): string {
  if (manifest.transcript.sentences.length === 0) return '<p class="empty">No transcript: clips were chosen from loudness and scene changes.</p>';
  const rankAt = (start: number, end: number) => manifest.clips.find((clip) => start >= clip.start - 0.01 && end <= clip.end + 0.01)?.rank;
  const out: string[] = [];
  let openRank: number | undefined;
  for (const sentence of manifest.transcript.sentences) {
    const rank = rankAt(sentence.start, sentence.end);
    if (rank !== openRank) {
      if (openRank !== undefined) out.push('</mark>');
      if (rank !== undefined) out.push(`<mark style="--h:${hue(rank)}"><a class="tag" href="#clip-${rank}">#${rank}</a> `);
      openRank = rank;
    }
    out.push(`<span class="s"><time>${clock(sentence.start)}</time> ${escapeHtml(sentence.text)}</span> `);
  }
  if (openRank !== undefined) out.push('</mark>');
  return `<div class="transcript">${out.join('')}</div>`;
}

const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1d21;--mut:#5b6270;--line:#d9dde3;--card:#f6f7f9}
@media (prefers-color-scheme:dark){:root{--bg:#15171b;--fg:#e8eaee;--mut:#a0a7b4;--line:#2c3038;--card:#1d2026}}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,sans-serif;background:var(--bg);color:var(--fg)}
main{max-width:1100px;margin:0 auto;padding:24px}h1{font-size:1.6rem;margin:0 0 4px}.sub{color:var(--mut);margin:0 0 20px}
.timeline{position:relative;margin:8px 0 28px;border:1px solid var(--line);border-radius:6px;background:var(--card)}
.timeline svg{display:block;width:100%;height:60px}.loud{fill:#8a94a666}.cut{stroke:#e0484f;stroke-width:1.5;vector-effect:non-scaling-stroke}.scanned{fill:#3b82f6aa}
.segs{position:absolute;inset:0 0 4px 0}.seg{position:absolute;top:0;bottom:0;min-width:14px;background:hsl(var(--h) 80% 55% / .45);border:2px solid hsl(var(--h) 80% 45%);border-radius:4px;color:var(--fg);font-weight:700;text-decoration:none;text-align:center;font-size:.8rem}
.ticks{position:relative;height:18px;font-size:.72rem;color:var(--mut)}.ticks span{position:absolute;transform:translateX(-50%)}.ticks span:first-child{transform:none}
.legend{font-size:.8rem;color:var(--mut)}.k{display:inline-block;width:12px;height:8px;margin:0 4px 0 10px;vertical-align:middle}.k.loud{background:#8a94a6}.k.cut{background:#e0484f}.k.scanned{background:#3b82f6}
.clip{display:grid;grid-template-columns:minmax(200px,300px) 1fr;gap:20px;padding:18px;margin:0 0 18px;border:1px solid var(--line);border-left:6px solid hsl(var(--h) 80% 50%);border-radius:8px;background:var(--card)}
@media (max-width:720px){.clip{grid-template-columns:1fr}}
video{width:100%;height:auto;border-radius:6px;background:#000}h2{margin:0;font-size:1.3rem}.rank{color:var(--mut)}
.score{display:inline-block;min-width:2.6em;padding:0 .4em;border-radius:6px;background:hsl(var(--h) 80% 45%);color:#fff;text-align:center}
.when,.files,.llm{color:var(--mut);font-size:.88rem;margin:4px 0 10px}.reasons{border-collapse:collapse;width:100%;font-size:.88rem}
.reasons th,.reasons td{padding:3px 8px 3px 0;text-align:left;vertical-align:middle;border-bottom:1px solid var(--line)}.reasons thead th{color:var(--mut);font-weight:600}
meter{width:90px}.num{font-variant-numeric:tabular-nums;color:var(--mut)}blockquote{margin:12px 0;padding:8px 12px;border-left:3px solid var(--line);font-style:italic}
.transcript{line-height:1.8}.transcript time{color:var(--mut);font-size:.75rem;font-variant-numeric:tabular-nums}
mark{background:hsl(var(--h) 90% 60% / .28);color:inherit;border-radius:3px;padding:2px 0}.tag{font-weight:700;text-decoration:none;color:hsl(var(--h) 80% 40%)}
.warn{border:1px solid #d97706;background:#d9770622;padding:8px 12px;border-radius:6px}a{color:inherit}
`;

/** The whole report page. */
export function renderReport(manifest: ClipsManifest): string {
  const title = `Clips of ${manifest.source.file}`;
  const warnings = manifest.warnings.length
    ? `<div class="warn"><b>Warnings</b><ul>${manifest.warnings.map((w) => `<li><code>${escapeHtml(w.code)}</code> ${escapeHtml(w.message)} <i>${escapeHtml(w.hint)}</i></li>`).join('')}</ul></div>`
    : '';
  const summary = `${manifest.clips.length} clip${manifest.clips.length === 1 ? '' : 's'} from ${clock(manifest.source.duration)} of video (${manifest.source.width}×${manifest.source.height}, ${manifest.source.fps.toFixed(2).replace(/\.00$/, '')} fps) · ${manifest.candidates} candidates scored · transcript: ${escapeHtml(manifest.transcript.source)} (${escapeHtml(manifest.transcript.language)}, ${manifest.transcript.words} words)`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; media-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'">
<meta name="generator" content="${escapeHtml(manifest.generator)}"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p class="sub">${summary}</p>${warnings}
${timeline(manifest)}
${manifest.clips.map((clip) => card(clip, manifest.transcript.language)).join('\n')}
<h2>Transcript</h2>${transcript(manifest)}
</main></body></html>
`;
}
