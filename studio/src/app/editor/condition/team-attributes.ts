import type { AttributeType } from '@omniflow/schemas';
import { createContext, useContext, useEffect, useState } from 'react';
import { api } from '../../trpc.ts';

// The team's custom attributes for the condition builder's attribute picker: suggested keys, and the
// type a known key is compared as. Loaded once per page from the api; a provider can supply them (tests).

export interface TeamAttribute {
  key: string;
  type: AttributeType;
  displayName?: string | undefined;
}

export const TeamAttributesContext = createContext<readonly TeamAttribute[] | null>(null);

let loading: Promise<readonly TeamAttribute[]> | null = null;

function loadOnce(): Promise<readonly TeamAttribute[]> {
  if (!loading) {
    const reachable = typeof location !== 'undefined' && /^https?:$/.test(location.protocol);
    loading = reachable
      ? api.attributes.list
          .query({ status: 'active' })
          .then((rows) => rows.map((r) => ({ key: r.key, type: r.type, displayName: r.displayName ?? undefined })))
          // Offline or not allowed to list attributes: no suggestions; the picker still takes typed keys.
          .catch(() => [])
      : Promise.resolve([]);
  }
  return loading;
}

export function useTeamAttributes(): readonly TeamAttribute[] {
  const given = useContext(TeamAttributesContext);
  const [loaded, setLoaded] = useState<readonly TeamAttribute[]>([]);
  useEffect(() => {
    if (given) return;
    let live = true;
    void loadOnce().then((list) => {
      if (live) setLoaded(list);
    });
    return () => {
      live = false;
    };
  }, [given]);
  return given ?? loaded;
}
