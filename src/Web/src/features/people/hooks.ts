import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import { useDebouncedValue } from '../../ui/useDebouncedValue';

export const peopleKeys = {
  all: ['people'],
  search: (q: string) => [...peopleKeys.all, q],
};

/**
 * People the caller shares a project with whose name or email contains `q` (the API reveals nobody else).
 * Debounced; keeps the previous suggestions on screen while the next ones load, so the list does not flicker.
 */
export function usePeopleSearch(q: string, limit = 8) {
  const text = useDebouncedValue(q.trim(), 200);
  return useQuery({
    queryKey: peopleKeys.search(text),
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/people', { params: { query: { q: text, limit } }, signal })).items,
    enabled: text.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}
