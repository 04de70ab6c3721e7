using IoTFireAlert.Telemetry;
using IoTFireAlert.Telemetry.InfluxDb;
using IoTFireAlert.Telemetry.Sqlite;

namespace IoTFireAlert.Server.Metrics;

/// <summary>
/// The time-series store's health for <c>/metrics</c>: what it wrote, what it could not, and (InfluxDB)
/// what waits in the disk spill, so an operator sees a failing store before anyone misses a chart.
/// </summary>
public sealed class TelemetryMetrics(TelemetryStore store) : IMetricsSource
{
    public void WriteMetrics(PrometheusWriter writer)
    {
        switch (store.Sink)
        {
            case SqliteTelemetryStore sqlite:
                writer.Counter("iotfire_telemetry_points_written_total", "Values the embedded store wrote (reading fields, positions, alarm events).", sqlite.PointsWritten)
                    .Counter("iotfire_telemetry_rows_lost_total", "Rows the embedded store lost to a failed transaction (each failure is also a dead letter).", sqlite.RowsLost)
                    .Counter("iotfire_telemetry_rows_deleted_total", "Rows the retention sweep removed.", sqlite.RowsDeleted)
                    .Counter("iotfire_telemetry_commits_total", "Transactions the embedded store committed (writes gathered for Telemetry:Sqlite:CommitDelay go in one).", sqlite.Commits)
                    .Counter("iotfire_telemetry_checkpoints_total", "Times the embedded store's write-ahead log was copied into its database file (off the writer's thread).", sqlite.Checkpoints)
                    .Counter("iotfire_telemetry_queue_full_waits_total", "Writes that found the embedded store's queue full and waited: each held up ingestion behind it (Telemetry:Sqlite:MaxPendingBatches).", sqlite.QueueFullWaits)
                    .Gauge("iotfire_telemetry_queued_batches", "Batches waiting for the embedded store's writer.", sqlite.QueuedBatches)
                    .Gauge("iotfire_telemetry_staged_rows", "Reports in the embedded store's unindexed stage (Telemetry:Sqlite:StageInterval, StageMaxRows).", sqlite.StagedRows)
                    .Counter("iotfire_telemetry_stage_moves_total", "Stages the embedded store moved into its indexed table.", sqlite.StageMoves)
                    .Counter("iotfire_telemetry_stage_move_seconds_total", "Time the embedded store's writer spent moving stages (writes queue meanwhile).", sqlite.StageMoveTime.TotalSeconds);
                break;
            case InfluxDbTelemetrySink influx:
                var m = influx.Writer.Metrics;
                writer.Counter("iotfire_telemetry_lines_written_total", "Lines InfluxDB acknowledged, replayed ones included.", m.LinesWritten)
                    .Counter("iotfire_telemetry_retries_total", "Requests to InfluxDB retried (429, 5xx, timeouts, connection errors).", m.Retries)
                    .Counter("iotfire_telemetry_lines_spilled_total", "Lines put in the disk spill while InfluxDB did not take them.", m.LinesSpilled)
                    .Counter("iotfire_telemetry_lines_replayed_total", "Spilled lines delivered later.", m.LinesReplayed)
                    .Counter("iotfire_telemetry_lines_dead_lettered_total", "Lines InfluxDB refused for good (also dead letters).", m.LinesDeadLettered)
                    .Gauge("iotfire_telemetry_spill_backlog_bytes", "Bytes in the disk spill not yet replayed.", m.SpillBacklogBytes)
                    .Counter("iotfire_telemetry_points_skipped_total", "Points not written because a value could not be carried (NaN, a newline in an id).", influx.PointsSkipped);
                break;
        }
    }
}
