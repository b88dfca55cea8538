import type { ChannelRole } from './types.js';

/**
 * Default speaker layouts by channel count, in WAV/SMPTE order (the order FLAC, WAV, and ffmpeg use):
 * 1 mono, 2 L R, 3 L R C, 4 L R Ls Rs (quad), 5 L R C Ls Rs, 6 L R C LFE Ls Rs (5.1),
 * 7 L R C LFE Lb Rb ... , 8 L R C LFE Lb Rb Ls Rs (7.1).
 */
export function defaultLayout(channels: number): ChannelRole[] {
  switch (channels) {
    case 1: return ['mono'];
    case 2: return ['L', 'R'];
    case 3: return ['L', 'R', 'C'];
    case 4: return ['L', 'R', 'Ls', 'Rs'];
    case 5: return ['L', 'R', 'C', 'Ls', 'Rs'];
    case 6: return ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];
    case 7: return ['L', 'R', 'C', 'LFE', 'Lb', 'Rb', 'other'];
    case 8: return ['L', 'R', 'C', 'LFE', 'Lb', 'Rb', 'Ls', 'Rs'];
    default: return Array.from({ length: channels }, () => 'other' as ChannelRole);
  }
}

// WAVE_FORMAT_EXTENSIBLE dwChannelMask bits, in the order channels appear in the data.
const MASK_ROLES: Array<[number, ChannelRole]> = [
  [0x1, 'L'], [0x2, 'R'], [0x4, 'C'], [0x8, 'LFE'], [0x10, 'Lb'], [0x20, 'Rb'],
  [0x40, 'other'], [0x80, 'other'], [0x100, 'other'], [0x200, 'Ls'], [0x400, 'Rs'],
];

/** Layout from a WAVE_FORMAT_EXTENSIBLE channel mask; falls back to the default when the mask does not fit. */
export function layoutFromMask(mask: number, channels: number): ChannelRole[] {
  if (!mask) return defaultLayout(channels);
  const roles: ChannelRole[] = [];
  for (const [bit, role] of MASK_ROLES) if (mask & bit) roles.push(role);
  if (roles.length !== channels) return defaultLayout(channels);
  if (channels === 1) return ['mono'];
  return roles;
}

/**
 * BS.1770-4 channel weight: 1.0 for front channels, 1.41 (+1.5 dB) for surrounds, 0 for LFE.
 * Channels of unknown position count as front.
 */
export function channelWeight(role: ChannelRole): number {
  switch (role) {
    case 'LFE': return 0;
    case 'Ls': case 'Rs': case 'Lb': case 'Rb': return 1.41;
    default: return 1.0;
  }
}
