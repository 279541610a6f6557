package org.openbwc.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicRulesTest {

    @Test
    void aUnitPublishesOnlyItsOwnTopicsAndItsReplies() {
        TopicRules u = TopicRules.unit("bwc-001");
        assertThat(u.mayPublish("bwc/v1/bwc-001/status")).isTrue();
        assertThat(u.mayPublish("bwc/v1/bwc-001/location")).isTrue();
        assertThat(u.mayPublish("bwc/v1/bwc-001/event")).isTrue();
        assertThat(u.mayPublish("bwc/v1/bwc-001/stream")).isTrue();
        assertThat(u.mayPublish(Topics.replies("gw-1", "bwc-001"))).isTrue();

        assertThat(u.mayPublish("bwc/v1/bwc-002/status")).isFalse();
        assertThat(u.mayPublish(Topics.replies("gw-1", "bwc-002"))).isFalse();
        assertThat(u.mayPublish("bwc/v1/bwc-002/cmd/record.start")).isFalse();
        assertThat(u.mayPublish("bwc/v1/bwc-001/cmd/record.start")).isFalse();
        assertThat(u.mayPublish("bwc/v1/bwc-001/other")).isFalse();
        assertThat(u.mayPublish("bwc/v1/+/status"))
                .as("wildcards are never topics")
                .isFalse();
    }

    @Test
    void aUnitSubscribesOnlyToItsOwnCommands() {
        TopicRules u = TopicRules.unit("bwc-001");
        assertThat(u.maySubscribe(Topics.commandFilter("bwc-001"))).isTrue();
        assertThat(u.maySubscribe("bwc/v1/bwc-001/cmd/locate")).isTrue();
        assertThat(u.maySubscribe("bwc/v1/bwc-001/#")).isFalse();
        assertThat(u.maySubscribe("bwc/v1/#")).isFalse();
        assertThat(u.maySubscribe("#")).isFalse();
        assertThat(u.maySubscribe("bwc/v1/+/cmd/+")).isFalse();
        assertThat(u.maySubscribe(Topics.commandFilter("bwc-002"))).isFalse();
        assertThat(u.maySubscribe("bwc/v1/_replies/+/+")).isFalse();
        assertThat(u.maySubscribe(Topics.eventAck("bwc-001"))).isTrue();
        assertThat(u.maySubscribe(Topics.eventAck("bwc-002")))
                .as("another unit's receipts")
                .isFalse();
        assertThat(u.mayPublish(Topics.eventAck("bwc-001")))
                .as("a unit cannot acknowledge itself")
                .isFalse();
    }

    @Test
    void aGatewaySendsCommandsReadsTheFleetAndOnlyItsOwnReplies() {
        TopicRules g = TopicRules.gateway("gw-1");
        assertThat(g.mayPublish("bwc/v1/bwc-001/cmd/record.start")).isTrue();
        assertThat(g.mayPublish("bwc/v1/bwc-001/status")).isFalse();
        assertThat(g.mayPublish(Topics.replies("gw-1", "bwc-001"))).isFalse();
        assertThat(g.mayPublish(Topics.eventAck("bwc-001"))).isTrue();
        assertThat(g.maySubscribe(Topics.ALL_EVENT_ACKS))
                .as("receipts are for units")
                .isFalse();

        assertThat(g.maySubscribe(Topics.ALL_STATUS)).isTrue();
        assertThat(g.maySubscribe(Topics.ALL_EVENTS)).isTrue();
        assertThat(g.maySubscribe(Topics.ALL_UNIT_TOPICS)).isTrue();
        assertThat(g.maySubscribe(Topics.repliesFilter("gw-1"))).isTrue();
        assertThat(g.maySubscribe(Topics.repliesFilter("gw-2"))).isFalse();
        assertThat(g.maySubscribe("bwc/v1/#")).isFalse();
        assertThat(g.maySubscribe("bwc/v1/+/cmd/+"))
                .as("nobody reads another's commands")
                .isFalse();
    }

    @Test
    void reservedAndInvalidIdsGetNoRules() {
        assertThatThrownBy(() -> TopicRules.unit("_replies")).hasMessageContaining("reserved");
        assertThatThrownBy(() -> TopicRules.gateway("gw/1")).hasMessageContaining("invalid");
        assertThatThrownBy(() -> TopicRules.unit("+")).hasMessageContaining("invalid");
    }

    @Test
    void wildcardMatchingFollowsMqtt() {
        assertThat(TopicRules.matches("a/+/c", "a/b/c")).isTrue();
        assertThat(TopicRules.matches("a/+/c", "a/b/c/d")).isFalse();
        assertThat(TopicRules.matches("a/#", "a/b/c")).isTrue();
        assertThat(TopicRules.matches("a/#", "a")).isTrue();
        assertThat(TopicRules.covers("a/+/+", "a/+/c")).isTrue();
        assertThat(TopicRules.covers("a/+/c", "a/+/+")).isFalse();
        assertThat(TopicRules.covers("a/+/+", "a/#")).isFalse();
    }

    @Test
    void replyTopicsNameTheRequesterThenTheUnit() {
        assertThat(Topics.replies("gw-1", "bwc-001")).isEqualTo("bwc/v1/_replies/gw-1/bwc-001");
        assertThat(Topics.repliesFilter("gw-1")).isEqualTo("bwc/v1/_replies/gw-1/+");
        assertThat(Topics.replyingUnit("gw-1", "bwc/v1/_replies/gw-1/bwc-001")).contains("bwc-001");
        assertThat(Topics.replyingUnit("gw-1", "bwc/v1/_replies/gw-2/bwc-001")).isEmpty();
        assertThat(Topics.replyingUnit("gw-1", "bwc/v1/_replies/gw-1/a/b")).isEmpty();
    }
}
