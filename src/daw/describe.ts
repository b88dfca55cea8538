import type { Suggestion } from '../suggest/types.js';

const r1 = (v: number) => Math.round(v * 10) / 10;
const sgn = (v: number) => `${v > 0 ? '+' : ''}${r1(v)}`;
const hz = (v: number) => (v >= 1000 ? `${r1(v / 1000)} kHz` : `${Math.round(v)} Hz`);

/** A proposal as one short line for a control surface's text field (about 40 characters). */
export function describeSuggestion(s: Suggestion): string {
  switch (s.kind) {
    case 'gain': return `Gain ${sgn(s.params.gainDb)} dB`;
    case 'limiter': return `Limiter drive ${sgn(s.params.inputGainDb)} dB, ceiling ${r1(s.params.ceilingDbtp)} dBTP`;
    case 'eqBand': return `EQ ${s.params.type === 'peaking' ? '' : s.params.type + ' '}${hz(s.params.frequencyHz)} ${sgn(s.params.gainDb)} dB Q ${r1(s.params.q)}`;
    case 'compressor': return `Comp ${r1(s.params.thresholdDb)} dB ${r1(s.params.ratio)}:1 ${r1(s.params.attackMs)}/${Math.round(s.params.releaseMs)} ms`;
    case 'width': return `Width ${hz(s.params.lowHz)}-${hz(s.params.highHz)} ${sgn(s.params.sideGainDb)} dB side`;
    case 'monoBelow': return `Mono below ${hz(s.params.frequencyHz)}`;
    case 'balance': return `Balance ${sgn(s.params.balanceDb)} dB`;
    case 'stemGain': return `${s.scope.replace('stem:', '')} ${sgn(s.params.gainDb)} dB`;
    case 'note': return s.rationale.slice(0, 60);
  }
}
