import type { SelectHTMLAttributes } from 'react';

export function Select({ className, ...rest }: SelectHTMLAttributes<HTMLSelectElement>) {
  return <select className={['input', className].filter(Boolean).join(' ')} {...rest} />;
}
