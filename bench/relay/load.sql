-- bench/relay load: :rate "writes" per second for :seconds, each write one transaction holding task.created and
-- task.updated of a fresh task (two events of one aggregate, as a create-then-edit), copied from real payloads the
-- API wrote (tasks.bench_template). Commits every 20 ms, with the outbox NOTIFY, as Outbox.EnqueueAsync does.
create or replace procedure tasks.bench_load(rate int, seconds int, run text)
language plpgsql as $$
declare
    tick_writes float8 := rate / 50.0;
    owed float8 := 0;
    started timestamptz := clock_timestamp();
    task uuid;
    i int;
begin
    while clock_timestamp() < started + make_interval(secs => seconds) loop
        owed := owed + tick_writes;
        for i in 1 .. floor(owed)::int loop
            task := gen_random_uuid();
            insert into tasks.outbox_messages (id, type, version, aggregate_id, payload, occurred_at)
            select gen_random_uuid(), t.type, t.version, task,
                   jsonb_set(jsonb_set(t.payload, '{taskId}', to_jsonb(task)), '{title}', to_jsonb(run)), clock_timestamp()
            from tasks.bench_template t order by t.ord;
        end loop;
        owed := owed - floor(owed);
        perform pg_notify('orbit_outbox', 'tasks');
        commit;
        perform pg_sleep(0.02);
    end loop;
end $$;
