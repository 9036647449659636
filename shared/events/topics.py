"""The broker made ready before a client uses it: topics created, a group's coordinator up.

A fresh broker creates a topic on its first use, and its consumer offsets topic on the first
group's join. Until then producers and consumers get "topic not found" and "group coordinator not
available" answers, which the Kafka client logs as errors and retries. Asked for first, over the
admin API, the same things are made quietly: the topics the mesh uses (`TOPICS`, partitioned as
deploy/local and docker-compose make them; an existing topic is left as it is), and a group's
coordinator, waited for while the broker elects it. A topic created (by this service or by another
at the same moment) reaches the brokers' metadata a moment after the creation is answered, so
`prepare` also waits until the metadata lists every topic asked for.

Where the broker does not let services create topics (topics provisioned by the operator), the
refusal is logged once as a warning and the clients go on as they would have.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError, for_code

from shared.settings import KafkaSettings

logger = logging.getLogger("expe.kafka")

PARTITIONS = 3
# Replicas per partition, or as many as there are brokers when fewer.
REPLICAS = 3
_COORDINATOR_WAIT_SECONDS = 30.0
_METADATA_WAIT_SECONDS = 30.0
_POLL_SECONDS = 0.2


async def prepare(
    settings: KafkaSettings, client_id: str, topics: Sequence[str], group_id: str | None = None
) -> bool:
    """Creates those of `topics` the broker lacks and, for a consumer's `group_id`, waits until
    the group has a coordinator. False when the broker could not be reached (try again later);
    True once done, or once the broker refused for good (logged)."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers,
        client_id=client_id,
        request_timeout_ms=10_000,
    )
    try:
        await admin.start()
    except KafkaError:
        await admin.close()
        return False
    try:
        await _create_missing(admin, topics)
        if group_id is not None:
            await _wait_for_coordinator(admin, group_id)
    except (KafkaError, TimeoutError) as error:
        logger.warning(
            "kafka topics or group not prepared; the clients retry on their own",
            extra={"error": repr(error), "topics": list(topics), "group": group_id},
        )
    finally:
        await admin.close()
    return True


async def _create_missing(admin: AIOKafkaAdminClient, topics: Sequence[str]) -> None:
    missing = sorted(set(topics) - set(await admin.list_topics()))
    if not missing:
        return
    brokers = len((await admin.describe_cluster())["brokers"])
    replicas = max(1, min(REPLICAS, brokers))
    response = await admin.create_topics([NewTopic(name, PARTITIONS, replicas) for name in missing])
    for topic, code, *_ in response.topic_errors:
        # Another service created it meanwhile: as good as ours.
        if code and for_code(code) is not TopicAlreadyExistsError:
            raise for_code(code)(f"topic {topic} not created")
    logger.info("kafka topics created", extra={"topics": missing})
    await _wait_for_metadata(admin, missing)


async def _wait_for_metadata(admin: AIOKafkaAdminClient, topics: Sequence[str]) -> None:
    async with asyncio.timeout(_METADATA_WAIT_SECONDS):
        while not set(topics) <= set(await admin.list_topics()):
            await asyncio.sleep(_POLL_SECONDS)


async def _wait_for_coordinator(admin: AIOKafkaAdminClient, group_id: str) -> None:
    async with asyncio.timeout(_COORDINATOR_WAIT_SECONDS):
        while True:
            try:
                await admin.find_coordinator(group_id)
                return
            except KafkaError as error:
                if not error.retriable:
                    raise
            await asyncio.sleep(_POLL_SECONDS)
