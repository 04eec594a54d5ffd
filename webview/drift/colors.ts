// Reference and current always in the same two colours (the classic blue-vs-red overlay).
export const REFERENCE_COLOR = 'rgba(31, 119, 180, 0.55)';
export const REFERENCE_BORDER = 'rgb(31, 119, 180)';
export const CURRENT_COLOR = 'rgba(214, 39, 40, 0.5)';
export const CURRENT_BORDER = 'rgb(214, 39, 40)';
