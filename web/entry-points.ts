// The bundles the web front is built from (web/src/<name>.ts → web/dist/assets/<name>.js). The build
// (scripts/build-web.ts) and the server's list of assets (api/web-front.ts) both read it.
export const WEB_ENTRY_POINTS = ['status-page', 'contribute-page', 'receipt-page', 'engine/contribution-worker', 'engine/task-worker'] as const;
