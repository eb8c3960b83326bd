"""What ``collect`` says while a run of it waits for a pool slot another run holds."""

import threading

import dagster as dg

from social_graph.cli.pools import SlotWatch, waiting_message
from social_graph.cli.reaper import PROCESS_TAG


def test_a_wait_for_a_held_slot_names_the_holder_and_how_to_free_it():
    with dg.instance_for_test(overrides={"concurrency": {"pools": {"default_limit": 1}}}) as inst:
        holder = inst.create_run_for_job(dg.GraphDefinition("g").to_job(name="warehouse_job"),
                                         tags={PROCESS_TAG: "elsewhere:4242"})
        inst.report_run_failed(holder, "stand-in for a run that died")  # status: FAILURE
        inst.event_log_storage.set_concurrency_slots("warehouse", 1)
        inst.event_log_storage.claim_concurrency_slot("warehouse", holder.run_id, "dbt_models")
        waiter = inst.create_run_for_job(dg.GraphDefinition("g").to_job(name="warehouse_job"),
                                         tags={"social/collect_run": "me"})
        message = waiting_message(inst, "warehouse", waiter.run_id)
        assert message is not None and message.startswith("waiting for the warehouse pool: ")
        assert (f"run {holder.run_id} (warehouse_job, FAILURE, process elsewhere:4242) holds "
                "the warehouse slot") in message
        assert "Terminate" in message
        assert waiting_message(inst, "warehouse", holder.run_id) is None  # its own slot

        said, heard = [], threading.Event()
        with SlotWatch(inst, "warehouse", {"social/collect_run": "me"},
                       lambda line: (said.append(line), heard.set()), grace_s=0.0):
            assert heard.wait(30)
        assert said[0] == message
