package dev.sasrec.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code stream} command from a Kafka topic to Kafka topics, against a real KRaft broker in the test JVM:
 * every user with events gets one record of refreshed recommendations keyed by the user, and an unreadable event
 * a dead-letter record with its reason.
 */
class KafkaStreamTest {

    @Test
    void eventsFromATopicBecomeRecommendationsAndDeadLettersOnTopics(@TempDir Path dir) throws Exception {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("sasrec-kafka-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        try (KafkaTestBroker broker = KafkaTestBroker.start(dir.resolve("kafka"))) {
            Path model = dir.resolve("trained");
            new SasRecJob(JobConfig.load(null, StreamJobTest.trainingSettings(model)), spark).execute("train");
            long t = 1_800_000_000L;
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                    broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
                for (String event : List.of("{\"user\":\"k1\",\"item\":\"i3\",\"timestamp\":" + t + "}",
                        "{\"user\":\"k1\",\"item\":\"i9\",\"timestamp\":" + (t + 5) + "}",
                        "{\"user\":\"k2\",\"item\":\"i4\",\"timestamp\":" + t + "}",
                        "{\"user\":\"k3\",\"item\":\"i4\",\"timestamp\":\"noon\"}")) {
                    producer.send(new ProducerRecord<>("events", event)).get();
                }
            }
            List<String> settings = StreamJobTest.trainingSettings(model);
            settings.addAll(List.of("stream.source=kafka", "stream.sink=kafka", "stream.trigger=available-now",
                    "stream.kafka.bootstrap-servers=" + broker.bootstrapServers(), "stream.kafka.topic=events",
                    "stream.kafka.output-topic=recommendations", "stream.kafka.dead-letter-topic=dead-letters",
                    "stream.checkpoint=" + dir.resolve("checkpoint"), "recommend.k=3"));
            new SasRecJob(JobConfig.load(null, settings), spark).execute("stream");

            Map<String, JsonNode> recs = new TreeMap<>();
            for (ConsumerRecord<String, String> r : consume(broker, "recommendations", 2)) {
                recs.put(r.key(), new ObjectMapper().readTree(r.value()));
            }
            assertEquals(List.of("k1", "k2"), new ArrayList<>(recs.keySet()));
            assertEquals(2, recs.get("k1").get("historyLength").asInt());
            assertEquals(3, recs.get("k1").get("recommendations").size(), recs.get("k1").toString());
            List<ConsumerRecord<String, String>> dead = consume(broker, "dead-letters", 1);
            JsonNode letter = new ObjectMapper().readTree(dead.get(0).value());
            assertTrue(letter.get("event").asText().contains("noon"), letter.toString());
            assertEquals("column timestamp: value 'noon' cannot be parsed as a number of seconds since the epoch "
                    + "(sasrec.input.time-format = seconds)", letter.get("reason").asText());
        } finally {
            spark.stop();
        }
    }

    /** Reads {@code topic} from the beginning until {@code expected} records came, or 60 seconds passed. */
    private static List<ConsumerRecord<String, String>> consume(KafkaTestBroker broker, String topic, int expected) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers(), "group.id", "test-" + topic, "auto.offset.reset", "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        assertEquals(expected, out.size(), "records on " + topic + ": " + out);
        return out;
    }
}
