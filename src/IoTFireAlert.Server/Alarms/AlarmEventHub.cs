using System.Collections.Immutable;
using System.Threading.Channels;

namespace IoTFireAlert.Server.Alarms;

/// <summary>
/// Fans committed alarm events out to live listeners (SSE connections, push workers).
/// A listener that falls behind is cut off rather than buffered without bound; it resumes from
/// the database with its last event id, so nothing is lost, only replayed.
/// </summary>
public sealed class AlarmEventHub
{
    private ImmutableArray<Channel<AlarmEvent>> _listeners = [];

    private long _lastPublishedId;

    public long LastPublishedId => Volatile.Read(ref _lastPublishedId);

    /// <summary>Set once at start from the database, so a new listener does not replay all history.</summary>
    public void StartAfter(long lastEventId) => Volatile.Write(ref _lastPublishedId, lastEventId);

    public ChannelReader<AlarmEvent> Subscribe(int capacity = 1024)
    {
        var channel = Channel.CreateBounded<AlarmEvent>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        ImmutableInterlocked.Update(ref _listeners, list => list.Add(channel));
        return channel.Reader;
    }

    public void Unsubscribe(ChannelReader<AlarmEvent> reader)
    {
        ImmutableInterlocked.Update(ref _listeners, list => list.RemoveAll(c => c.Reader == reader));
    }

    /// <summary>Called by the alarm writer only, after commit, in event id order.</summary>
    public void Publish(AlarmEvent alarmEvent)
    {
        Volatile.Write(ref _lastPublishedId, alarmEvent.Id);
        foreach (var listener in _listeners)
        {
            if (!listener.Writer.TryWrite(alarmEvent))
            {
                listener.Writer.TryComplete(new ListenerTooSlowException());
                ImmutableInterlocked.Update(ref _listeners, list => list.Remove(listener));
            }
        }
    }

    public sealed class ListenerTooSlowException() : Exception("the listener fell behind; resume with Last-Event-ID");
}
