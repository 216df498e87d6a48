import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals';
import { postClientEvents, type WebVital } from './clientEvents';

/** Collects Core Web Vitals and sends them when the page is hidden (the last reliable moment). */
export function reportWebVitals(): void {
  const pending = new Map<WebVital['name'], WebVital>();
  const record = (metric: Metric) =>
    pending.set(metric.name, { name: metric.name, value: metric.value, rating: metric.rating, url: location.href });

  onCLS(record);
  onFCP(record);
  onINP(record);
  onLCP(record);
  onTTFB(record);

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'hidden' || pending.size === 0) return;
    postClientEvents({ vitals: [...pending.values()] }, { beacon: true });
    pending.clear();
  });
}
