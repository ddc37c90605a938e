#!/usr/bin/env bash
# Regenerates the small test videos in this folder from ffmpeg's lavfi
# sources. The outputs are committed so that tests never depend on the exact
# encoder build; run this only to change them (ffmpeg 5.1 made the current ones).
set -euo pipefail
cd "$(dirname "$0")"
ff() { ffmpeg -hide_banner -loglevel error -nostdin -y "$@"; }

# sample.mp4: 12 s, three scenes with hard cuts at 4 s and 8 s, H.264 with B-frames, AAC audio.
#   0-4 s testsrc2 (moving pattern), 4-8 s SMPTE bars (static), 8-12 s a blue field with a moving box.
ff -f lavfi -i "testsrc2=s=320x240:r=25:d=4" \
   -f lavfi -i "smptebars=s=320x240:r=25:d=4" \
   -f lavfi -i "color=c=navy:s=320x240:r=25:d=4" \
   -f lavfi -i "color=c=yellow:s=60x60:r=25:d=4" \
   -f lavfi -i "sine=f=440:d=12" \
   -filter_complex "[2:v][3:v]overlay=x=t*60:y=90[mov];[0:v][1:v][mov]concat=n=3:v=1:a=0[v]" -map "[v]" -map 4:a \
   -c:v libx264 -preset veryfast -crf 30 -pix_fmt yuv420p -c:a aac -b:a 32k -shortest sample.mp4

# rotated.mp4: 2 s of 320x240 stored sideways; displays as 240x320.
ff -f lavfi -i "testsrc2=s=320x240:r=10:d=2" -c:v libx264 -crf 32 -pix_fmt yuv420p rotated.tmp.mp4
ff -i rotated.tmp.mp4 -c copy -metadata:s:v:0 rotate=90 rotated.mp4 && rm rotated.tmp.mp4

# anamorphic.webm: 2 s of 160x240 VP9 with 2:1 pixels; displays as 320x240.
ff -f lavfi -i "testsrc2=s=160x240:r=10:d=2,setsar=2/1" -c:v libvpx-vp9 -b:v 100k -deadline realtime anamorphic.webm

# offset.ts: MPEG-TS, whose timestamps start near 1.4 s, not 0; 3 s with a cut at 1.5 s.
ff -f lavfi -i "color=c=red:s=160x120:r=10:d=1.5" -f lavfi -i "color=c=green:s=160x120:r=10:d=1.5" \
   -filter_complex "[0:v][1:v]concat=n=2:v=1:a=0[v]" -map "[v]" -c:v mpeg2video -q:v 8 offset.ts

# audio.m4a: audio only, no video stream.
ff -f lavfi -i "sine=f=300:d=1" -c:a aac -b:a 24k audio.m4a

# --- Selection videos (issue 3): known scenes, 320x240, 10 fps. -------------
# scenes.mp4: six 2 s scenes with hard cuts at 2, 4, 6, 8, 10 s.
ff -f lavfi -i "testsrc2=s=320x240:r=10:d=2" -f lavfi -i "smptebars=s=320x240:r=10:d=2" \
   -f lavfi -i "rgbtestsrc=s=320x240:r=10:d=2" -f lavfi -i "mandelbrot=s=320x240:r=10,trim=duration=2" \
   -f lavfi -i "color=c=darkgreen:s=320x240:r=10:d=2" -f lavfi -i "cellauto=s=320x240:r=10:rule=110,trim=duration=2" \
   -filter_complex "[0:v][1:v][2:v][3:v][4:v][5:v]concat=n=6:v=1:a=0,format=yuv420p[v]" -map "[v]" \
   -c:v libx264 -preset veryfast -crf 32 scenes.mp4

# fade.mp4: 3 s of bars, a 4 s cross-fade to a dark red field with a white box, 3 s of that.
ff -f lavfi -i "smptebars=s=320x240:r=10:d=7" \
   -f lavfi -i "color=c=darkred:s=320x240:r=10:d=7,drawbox=x=200:y=40:w=80:h=80:c=white:t=fill" \
   -filter_complex "[0:v][1:v]xfade=transition=fade:duration=4:offset=3,format=yuv420p[v]" -map "[v]" \
   -c:v libx264 -preset veryfast -crf 32 fade.mp4

# pan.mp4: 12 s slow pan (16 px/s) across a still 640x240 picture.
ff -f lavfi -i "testsrc=s=640x240:r=10:d=1" -vf "tpad=stop_mode=clone:stop_duration=12,trim=duration=12,crop=w=320:h=240:x='t*16':y=0,setpts=PTS-STARTPTS,format=yuv420p" \
   -c:v libx264 -preset veryfast -crf 32 pan.mp4

# noise.mp4: 8 s of a still scene with strong temporal sensor noise (frames
# differ by 10 grey levels on average), 160x120 at 5 fps.
# event.mp4: the same, with a small dark object (20x20, 2% of the frame) in a
# corner from 4 s to 6 s only.
still="smptehdbars=s=160x120:r=5:d=8,boxblur=2"
ff -f lavfi -i "$still" -vf "noise=alls=20:allf=t,format=yuv420p" -c:v libx264 -preset veryfast -crf 26 noise.mp4
ff -f lavfi -i "$still" -vf "drawbox=x=125:y=85:w=20:h=20:c=black:t=fill:enable='between(t,4,6)',noise=alls=20:allf=t,format=yuv420p" \
   -c:v libx264 -preset veryfast -crf 26 event.mp4

# counter.mp4: 10 s at 25 fps whose top rows show the frame number in binary
# (10 bits, 32 px a bit, white = 1), so a test can read which picture it got.
ff -f lavfi -i "color=c=black:s=320x240:r=25:d=10" \
   -vf "geq=lum='if(lt(Y,40),255*mod(floor(N/pow(2,floor(X/32))),2),128)':cb=128:cr=128,format=yuv420p" \
   -c:v libx264 -preset veryfast -crf 18 counter.mp4

# vfr.mp4: variable frame rate with the same binary frame counter: frames 0-49
# at 25 fps (0-2 s), then frames 50-69 at 5 fps (2-6 s).
ff -f lavfi -i "color=c=black:s=320x240:r=25:d=2.8" \
   -vf "geq=lum='if(lt(Y,40),255*mod(floor(N/pow(2,floor(X/32))),2),128)':cb=128:cr=128,setpts='if(lt(N,50),N/25,2+(N-50)/5)/TB',format=yuv420p" \
   -fps_mode vfr -c:v libx264 -preset veryfast -crf 18 -video_track_timescale 1000 vfr.mp4
