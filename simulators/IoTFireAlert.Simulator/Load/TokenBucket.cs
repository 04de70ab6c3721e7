namespace IoTFireAlert.Simulator.Load;

/// <summary>
/// Paces the background load: tokens accrue at the target rate, which climbs linearly from zero
/// over the ramp-up. The bucket holds at most 250 ms of tokens: enough to ride out a late timer on a
/// busy machine, short enough that a stall (GC, a slow broker) is followed by a brief catch-up, not
/// a burst that would distort the broker's view of the rate.
/// </summary>
public sealed class TokenBucket
{
    private readonly double _ratePerSecond;
    private readonly double _rampSeconds;
    private readonly double _capacity;
    private double _tokens;
    private double _lastSeconds;

    public TokenBucket(double ratePerSecond, TimeSpan rampUp)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        _ratePerSecond = ratePerSecond;
        _rampSeconds = rampUp.TotalSeconds;
        _capacity = Math.Max(1, ratePerSecond * 0.25);
    }

    /// <summary>The rate in force <paramref name="elapsedSeconds"/> after the start.</summary>
    public double RateAt(double elapsedSeconds) =>
        _rampSeconds <= 0 || elapsedSeconds >= _rampSeconds ? _ratePerSecond : _ratePerSecond * Math.Max(0, elapsedSeconds) / _rampSeconds;

    /// <summary>Adds the tokens accrued up to <paramref name="elapsedSeconds"/> after the start.</summary>
    public void Refill(double elapsedSeconds)
    {
        if (elapsedSeconds > _lastSeconds)
        {
            // The rate at the middle of the interval integrates a linear ramp exactly.
            var rate = RateAt((elapsedSeconds + _lastSeconds) / 2);
            _tokens = Math.Min(_capacity, _tokens + ((elapsedSeconds - _lastSeconds) * rate));
            _lastSeconds = elapsedSeconds;
        }
    }

    /// <summary>Takes one token if a whole one is there; an untaken token keeps (up to the 250 ms the bucket holds).</summary>
    public bool TryTake()
    {
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }

    /// <summary>Refills, then takes every whole token available.</summary>
    public int TakeAvailable(double elapsedSeconds)
    {
        Refill(elapsedSeconds);
        var whole = (int)Math.Floor(_tokens);
        _tokens -= whole;
        return whole;
    }

    /// <summary>Seconds until the next token, for sleeping instead of spinning.</summary>
    public double SecondsToNextToken(double elapsedSeconds)
    {
        var rate = RateAt(elapsedSeconds);
        return rate <= 0 ? 0.001 : Math.Max(0, (1 - _tokens) / rate);
    }
}
