// Hand-drawn 24×24 icons, kept tiny on purpose: [stroke path, fill path].
// Stroke paths are drawn 2px round; fill paths use currentColor (even-odd).
export const ICONS = {
  whatsapp: [
    'M3 21l1.6-4.7A8.6 8.6 0 1 1 7.7 19.9z',
    'M9.4 7.6c-.7 0-1.6.8-1.6 2 0 3 3.4 6.6 6.6 6.6 1.2 0 2-.9 2-1.6v-.7l-2.2-1.1-1.1 1.1a6 6 0 0 1-3.1-3.1l1.1-1.1-1-2.1z',
  ],
  facebook: ['M16 3h-2a4 4 0 0 0-4 4v14M7 11h9', ''],
  x: ['', 'M17.8 3h3.1l-6.8 7.7 8 10.3h-6.2l-4.9-6.3L5.4 21H2.3l7.2-8.3L1.8 3h6.4l4.4 5.8zm-1.1 16.2h1.7L7.4 4.7H5.5z'],
  linkedin: ['M3 3h18v18H3zm5 8v6m0-9.5v.01M12 17v-6m0 2.5a2.5 2.5 0 0 1 5 0V17', ''],
  telegram: ['M21.5 3.5L2.5 11l6.7 2.3 2.3 6.7 3.3-4 5 3.5zM9.2 13.3L17 7.5', ''],
  email: ['M3 5h18v14H3zm0 1l9 7 9-7', ''],
  sms: ['M4 4h16v12H9l-5 4zm4 6h.01m4 0h.01m4 0h.01', ''],
  copy: ['M9 9h11v11H9zM5 15H4V4h11v1', ''],
  qr: ['M4 4h6v6H4zm10 0h6v6h-6zM4 14h6v6H4zm10 0h2v2h-2zm4 4h2v2h-2zm0-4h2m-6 6h2', ''],
  share: ['M12 3v12M7 8l5-5 5 5M5 12v8h14v-8', ''],
  gift: ['M4 11h16v9H4zM3 7h18v4H3zm9 0v13m0-13S11 3 8.5 3a2 2 0 0 0 0 4zm0 0s1-4 3.5-4a2 2 0 0 1 0 4z', ''],
  close: ['M6 6l12 12M18 6L6 18', ''],
}
